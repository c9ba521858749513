package io.webhookinbox.config;

import io.vertx.core.json.JsonObject;

/**
 * How the retry scheduler claims work: it polls at least every {@code pollIntervalMs} (and wakes early on
 * NOTIFY), claims up to {@code batchSize} due events, and holds each for {@code leaseTimeoutMs}; a lease that
 * runs out (its replica died) makes the event claimable again.
 */
public record SchedulerConfig(boolean enabled, long pollIntervalMs, int batchSize, long leaseTimeoutMs) {
  public static final SchedulerConfig DEFAULTS = new SchedulerConfig(true, 5000, 50, 60_000);

  public static SchedulerConfig from(JsonObject json) {
    String p = "scheduler.";
    return new SchedulerConfig(
      Json.bool(json, p, "enabled", DEFAULTS.enabled),
      Json.integer(json, p, "pollIntervalMs", (int) DEFAULTS.pollIntervalMs, 50, 3_600_000),
      Json.integer(json, p, "batchSize", DEFAULTS.batchSize, 1, 1000),
      Json.integer(json, p, "leaseTimeoutMs", (int) DEFAULTS.leaseTimeoutMs, 1000, 3_600_000));
  }

  public JsonObject toJson() {
    return new JsonObject().put("enabled", enabled).put("pollIntervalMs", pollIntervalMs).put("batchSize", batchSize)
      .put("leaseTimeoutMs", leaseTimeoutMs);
  }
}
