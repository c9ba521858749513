package io.webhookinbox.config;

import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Backoff for failed events: the first retry runs at once, retry n (n ≥ 2) waits
 * {@code initialDelayMs × multiplier^(n-2)} capped at {@code maxDelayMs}, spread by ±{@code jitter}.
 * After {@code maxAttempts} retries have failed the event is dead.
 */
public record RetryConfig(long initialDelayMs, double multiplier, long maxDelayMs, double jitter, int maxAttempts) {
  public static final RetryConfig DEFAULTS = new RetryConfig(2000, 2.0, 60_000, 0.1, 5);

  static final Setting<Integer> INITIAL_DELAY = Setting.integer("retry.initialDelayMs",
    (int) DEFAULTS.initialDelayMs, 1, 3_600_000).unit("ms").live()
    .doc("Delay before retry 2 (retry 1 runs at once); each later one multiplies it");
  static final Setting<Double> MULTIPLIER = Setting.decimal("retry.multiplier", DEFAULTS.multiplier, 1.0, 10.0)
    .live().doc("Growth of the delay from one retry to the next");
  static final Setting<Integer> MAX_DELAY = Setting.integer("retry.maxDelayMs", (int) DEFAULTS.maxDelayMs, 1,
    86_400_000).unit("ms").live().doc("Cap on the delay between retries");
  static final Setting<Double> JITTER = Setting.decimal("retry.jitter", DEFAULTS.jitter, 0.0, 0.5).live()
    .doc("Each delay is spread by this fraction either way");
  static final Setting<Integer> MAX_ATTEMPTS = Setting.integer("retry.maxAttempts", DEFAULTS.maxAttempts, 0, 100)
    .live().doc("Retries before an event is dead (waits for an operator's replay)");
  static final List<Setting<?>> SETTINGS = List.of(INITIAL_DELAY, MULTIPLIER, MAX_DELAY, JITTER, MAX_ATTEMPTS);

  /** @param runtime the run-time sections ({@code retry} among them) */
  public static RetryConfig from(JsonObject runtime) {
    RetryConfig config = new RetryConfig(INITIAL_DELAY.read(runtime), MULTIPLIER.read(runtime),
      MAX_DELAY.read(runtime), JITTER.read(runtime), MAX_ATTEMPTS.read(runtime));
    if (config.maxDelayMs < config.initialDelayMs) {
      throw new InvalidSetting(MAX_DELAY.key(), "must not be below " + INITIAL_DELAY.key());
    }
    return config;
  }

  public JsonObject toJson() {
    return new JsonObject().put("initialDelayMs", initialDelayMs).put("multiplier", multiplier)
      .put("maxDelayMs", maxDelayMs).put("jitter", jitter).put("maxAttempts", maxAttempts);
  }
}
