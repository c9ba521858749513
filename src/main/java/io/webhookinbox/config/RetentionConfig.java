package io.webhookinbox.config;

import io.vertx.core.json.JsonObject;

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

  static RetentionConfig from(JsonObject json) {
    String p = "retention.";
    RetentionConfig config = new RetentionConfig(
      Json.integer(json, p, "events", 90, 0, CENTURY),
      Json.integer(json, p, "dedupKeys", 400, 0, CENTURY),
      Json.integer(json, p, "statistics", 730, 0, CENTURY),
      Json.integer(json, p, "partitionsAheadDays", 7, 2, 60),
      Json.integer(json, p, "intervalMinutes", 60, 1, 1440));
    boolean keysOutliveEvents = config.events == 0
      ? config.dedupKeys == 0 : config.dedupKeys == 0 || config.dedupKeys > config.events;
    if (!keysOutliveEvents) {
      throw new IllegalArgumentException(p + "dedupKeys must be 0 (forever) or more than " + p + "events ("
        + config.events + "), and 0 when " + p + "events is 0: an event id stays a duplicate as long as its payload");
    }
    return config;
  }
}
