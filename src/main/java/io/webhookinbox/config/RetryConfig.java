package io.webhookinbox.config;

import io.vertx.core.json.JsonObject;

/**
 * Backoff for failed events: the first retry runs at once, retry n (n ≥ 2) waits
 * {@code initialDelayMs × multiplier^(n-2)} capped at {@code maxDelayMs}, spread by ±{@code jitter}.
 * After {@code maxAttempts} retries have failed the event is dead.
 */
public record RetryConfig(long initialDelayMs, double multiplier, long maxDelayMs, double jitter, int maxAttempts) {
  public static final RetryConfig DEFAULTS = new RetryConfig(2000, 2.0, 60_000, 0.1, 5);

  public static RetryConfig from(JsonObject json) {
    String p = "retry.";
    RetryConfig config = new RetryConfig(
      Json.integer(json, p, "initialDelayMs", (int) DEFAULTS.initialDelayMs, 1, 3_600_000),
      Json.decimal(json, p, "multiplier", DEFAULTS.multiplier, 1.0, 10.0),
      Json.integer(json, p, "maxDelayMs", (int) DEFAULTS.maxDelayMs, 1, 86_400_000),
      Json.decimal(json, p, "jitter", DEFAULTS.jitter, 0.0, 0.5),
      Json.integer(json, p, "maxAttempts", DEFAULTS.maxAttempts, 0, 100));
    if (config.maxDelayMs < config.initialDelayMs) {
      throw new InvalidSetting(p + "maxDelayMs", "must not be below " + p + "initialDelayMs");
    }
    return config;
  }

  public JsonObject toJson() {
    return new JsonObject().put("initialDelayMs", initialDelayMs).put("multiplier", multiplier)
      .put("maxDelayMs", maxDelayMs).put("jitter", jitter).put("maxAttempts", maxAttempts);
  }
}
