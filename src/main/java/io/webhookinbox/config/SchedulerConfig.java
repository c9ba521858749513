package io.webhookinbox.config;

import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * How the retry scheduler claims work: it polls at least every {@code pollIntervalMs} (and wakes early on
 * NOTIFY), claims up to {@code batchSize} due events, and holds each for {@code leaseTimeoutMs}; a lease that
 * runs out (its replica died) makes the event claimable again.
 */
public record SchedulerConfig(boolean enabled, long pollIntervalMs, int batchSize, long leaseTimeoutMs) {
  public static final SchedulerConfig DEFAULTS = new SchedulerConfig(true, 5000, 50, 60_000);

  static final Setting<Boolean> ENABLED = Setting.flag("scheduler.enabled", DEFAULTS.enabled).live()
    .doc("Whether this replica claims due retries");
  static final Setting<Integer> POLL_INTERVAL = Setting.integer("scheduler.pollIntervalMs",
    (int) DEFAULTS.pollIntervalMs, 50, 3_600_000).unit("ms").live()
    .doc("Upper bound between polls; a NOTIFY wakes it early");
  static final Setting<Integer> BATCH_SIZE = Setting.integer("scheduler.batchSize", DEFAULTS.batchSize, 1, 1000)
    .live().doc("Due events claimed per poll");
  static final Setting<Integer> LEASE_TIMEOUT = Setting.integer("scheduler.leaseTimeoutMs",
    (int) DEFAULTS.leaseTimeoutMs, 1000, 3_600_000).unit("ms").live()
    .doc("A claimed event is claimed again when its replica did not finish by then");
  static final List<Setting<?>> SETTINGS = List.of(ENABLED, POLL_INTERVAL, BATCH_SIZE, LEASE_TIMEOUT);

  /** @param runtime the run-time sections ({@code scheduler} among them) */
  public static SchedulerConfig from(JsonObject runtime) {
    return new SchedulerConfig(ENABLED.read(runtime), POLL_INTERVAL.read(runtime), BATCH_SIZE.read(runtime),
      LEASE_TIMEOUT.read(runtime));
  }

  public JsonObject toJson() {
    return new JsonObject().put("enabled", enabled).put("pollIntervalMs", pollIntervalMs).put("batchSize", batchSize)
      .put("leaseTimeoutMs", leaseTimeoutMs);
  }
}
