package io.webhookinbox.config;

import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * How long the inbox keeps what, in days ({@code 0} keeps forever). Payloads go a day-partition at a time once the
 * whole day is older than {@code events}; the keys that keep an event id a duplicate stay {@code dedupKeys} days,
 * longer than the payloads by at least a day (a key deleted before its partition would let its id in again);
 * the statistics rollup keeps {@code statistics} days. {@code partitionsAheadDays} days of partitions exist ahead of
 * today; the maintenance runs at start-up and every {@code intervalMinutes}, on one replica at a time.
 */
public record RetentionConfig(int events, int dedupKeys, int statistics, int partitionsAheadDays,
                              int intervalMinutes) {
  private static final int CENTURY = 36_500;

  static final Setting<Integer> EVENTS = Setting.integer("retention.events", 90, 0, CENTURY)
    .env("RETENTION_EVENTS_DAYS").unit("days")
    .doc("Finished events' payloads and attempts, dropped a day-partition at a time; 0 = forever");
  static final Setting<Integer> DEDUP_KEYS = Setting.integer("retention.dedupKeys", 400, 0, CENTURY)
    .env("RETENTION_DEDUP_KEYS_DAYS").unit("days")
    .doc("An event id stays a duplicate this long; more than retention.events, or 0 = forever");
  static final Setting<Integer> STATISTICS = Setting.integer("retention.statistics", 730, 0, CENTURY)
    .env("RETENTION_STATISTICS_DAYS").unit("days").doc("The statistics rollup; 0 = forever");
  static final Setting<Integer> PARTITIONS_AHEAD = Setting.integer("retention.partitionsAheadDays", 7, 2, 60)
    .unit("days").doc("Day-partitions kept ready ahead of today");
  static final Setting<Integer> INTERVAL = Setting.integer("retention.intervalMinutes", 60, 1, 1440)
    .unit("minutes").doc("Maintenance runs at start-up and then this often, one replica at a time");
  static final List<Setting<?>> SETTINGS = List.of(EVENTS, DEDUP_KEYS, STATISTICS, PARTITIONS_AHEAD, INTERVAL);

  static RetentionConfig from(JsonObject root) {
    RetentionConfig config = new RetentionConfig(EVENTS.read(root), DEDUP_KEYS.read(root), STATISTICS.read(root),
      PARTITIONS_AHEAD.read(root), INTERVAL.read(root));
    boolean keysOutliveEvents = config.events == 0
      ? config.dedupKeys == 0 : config.dedupKeys == 0 || config.dedupKeys > config.events;
    if (!keysOutliveEvents) {
      throw new IllegalArgumentException(DEDUP_KEYS.key() + " must be 0 (forever) or more than " + EVENTS.key()
        + " (" + config.events + "), and 0 when " + EVENTS.key()
        + " is 0: an event id stays a duplicate as long as its payload");
    }
    return config;
  }
}
