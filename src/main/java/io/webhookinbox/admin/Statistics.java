package io.webhookinbox.admin;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.webhookinbox.api.Rfc3339;
import io.webhookinbox.db.BoundedPool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Event statistics for a window of receipt times. Whole UTC hours come from the rollup the database keeps in step
 * with every status change; the partial hours at either end come from the events themselves, so the figures are
 * exact. A 30-day window over millions of events reads a few thousand rollup rows.
 */
public final class Statistics {
  static final String ROLLUP_COUNTS = """
    SELECT event_type, status, sum(events)::bigint AS events, sum(timed)::bigint AS timed,
           sum(processing_ms_sum)::bigint AS ms
    FROM webhook_event_stats
    WHERE hour >= $1 AND hour < $2 AND ($3::text IS NULL OR event_type = $3)
    GROUP BY event_type, status""";

  static final String ROLLUP_LATENCY = """
    SELECT bucket, sum(events)::bigint AS events FROM webhook_event_latency
    WHERE hour >= $1 AND hour < $2 AND ($3::text IS NULL OR event_type = $3)
    GROUP BY bucket""";

  /** Events of the partial hours at both ends ($1..$2 and $3..$4), and events in flight over the whole window. */
  static final String RAW_COUNTS = """
    SELECT event_type, status, count(*) AS events, count(processing_ms) AS timed,
           coalesce(sum(processing_ms), 0)::bigint AS ms
    FROM webhook_events
    WHERE ((received_at >= $1 AND received_at < $2) OR (received_at >= $3 AND received_at < $4))
      AND status <> 'processing' AND ($7::text IS NULL OR event_type = $7)
    GROUP BY event_type, status
    UNION ALL
    SELECT event_type, status, count(*), 0, 0
    FROM webhook_events
    WHERE status = 'processing' AND received_at >= $5 AND received_at < $6 AND ($7::text IS NULL OR event_type = $7)
    GROUP BY event_type, status""";

  static final String RAW_LATENCY = """
    SELECT webhook_latency_bucket(processing_ms) AS bucket, count(*) AS events
    FROM webhook_events
    WHERE ((received_at >= $1 AND received_at < $2) OR (received_at >= $3 AND received_at < $4))
      AND status IN ('processed', 'stale') AND processing_ms IS NOT NULL AND ($5::text IS NULL OR event_type = $5)
    GROUP BY 1""";

  /** The ten most recent failures by receipt; each one's time of failure is its last attempt's end. */
  static final String RECENT_FAILURES = """
    SELECT event_id, event_type, last_error, received_at, attempts, status,
           coalesce((SELECT max(finished_at) FROM webhook_event_attempts a WHERE a.event_row_id = e.id
                                                               AND a.event_received_at = e.received_at), received_at)
             AS failed_at
    FROM webhook_events e
    WHERE status IN ('failed', 'dead') AND received_at >= $1 AND received_at < $2
      AND ($3::text IS NULL OR event_type = $3)
    ORDER BY received_at DESC, id DESC
    LIMIT 10""";

  static final String SNAPSHOT = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";

  /** A window of receipt times (end exclusive), for one event type or (null) all. */
  public record Query(OffsetDateTime start, OffsetDateTime end, String eventType) {
  }

  /** The figures of a window: totals, per event type, the processing-time percentiles and the latest failures. */
  public record Report(Query query, Counts all, Map<String, Counts> byType, Long p95Ms, Long p50Ms, Long p99Ms,
                       List<Failure> recentFailures) {
    /** The guide's fields first; {@code eventTypeStatusBreakdown} has every figure per type. */
    public JsonObject toJson() {
      JsonObject breakdown = new JsonObject();
      JsonObject statusBreakdown = new JsonObject();
      byType.forEach((type, counts) -> {
        if (counts.total() > 0) {
          breakdown.put(type, counts.total());
          statusBreakdown.put(type, counts.toJson());
        }
      });
      JsonArray recent = new JsonArray();
      recentFailures.forEach(failure -> recent.add(failure.toJson()));
      return all.toJson()
        .put("p95ProcessingTimeMs", p95Ms)
        .put("p50ProcessingTimeMs", p50Ms)
        .put("eventTypeBreakdown", breakdown)
        .put("eventTypeStatusBreakdown", statusBreakdown)
        .put("recentFailures", recent)
        .put("startDate", query.start().toString())
        .put("endDate", query.end().toString())
        .put("eventType", query.eventType());
    }
  }

  /** One of the most recent failures; {@code failedAt} is its last attempt's end. */
  public record Failure(String eventId, String eventType, String status, String errorMessage, OffsetDateTime failedAt,
                        int attempts, OffsetDateTime receivedAt) {
    JsonObject toJson() {
      return new JsonObject()
        .put("eventId", eventId)
        .put("eventType", eventType)
        .put("status", status)
        .put("errorMessage", errorMessage)
        .put("timestamp", Rfc3339.utc(failedAt))
        .put("retryCount", Math.max(0, attempts - 1))
        .put("receivedAt", Rfc3339.utc(receivedAt));
    }
  }

  private final BoundedPool pool;

  /** @param pool the operators' pool */
  public Statistics(BoundedPool pool) {
    this.pool = pool;
  }

  public Future<Report> compute(Query query) {
    OffsetDateTime start = query.start().withOffsetSameInstant(ZoneOffset.UTC);
    OffsetDateTime end = query.end().withOffsetSameInstant(ZoneOffset.UTC);
    String type = query.eventType();
    OffsetDateTime firstHour = start.truncatedTo(ChronoUnit.HOURS);
    if (firstHour.isBefore(start)) {
      firstHour = firstHour.plusHours(1);
    }
    OffsetDateTime lastHour = end.truncatedTo(ChronoUnit.HOURS);
    if (!firstHour.isBefore(lastHour)) {
      // No whole hour inside: everything comes from the events.
      firstHour = end;
      lastHour = end;
    }
    OffsetDateTime rollupFrom = firstHour;
    OffsetDateTime rollupTo = lastHour;
    // One connection, one snapshot: an event changing status meanwhile is counted once, in one place.
    return pool.withTransaction(connection -> connection.query(SNAPSHOT).execute().compose(begun -> {
      Future<RowSet<Row>> rollupCounts = connection.preparedQuery(ROLLUP_COUNTS)
        .execute(Tuple.of(rollupFrom, rollupTo, type));
      Future<RowSet<Row>> rollupLatency = connection.preparedQuery(ROLLUP_LATENCY)
        .execute(Tuple.of(rollupFrom, rollupTo, type));
      Future<RowSet<Row>> rawCounts = connection.preparedQuery(RAW_COUNTS)
        .execute(Tuple.of(start, rollupFrom, rollupTo, end, start, end).addValue(type));
      Future<RowSet<Row>> rawLatency = connection.preparedQuery(RAW_LATENCY)
        .execute(Tuple.of(start, rollupFrom, rollupTo, end, type));
      Future<RowSet<Row>> failures = connection.preparedQuery(RECENT_FAILURES).execute(Tuple.of(start, end, type));
      return Future.all(rollupCounts, rollupLatency, rawCounts, rawLatency, failures).map(done -> {
      Totals totals = new Totals();
      totals.add(rollupCounts.result());
      totals.add(rawCounts.result());
      long[] latency = new long[LatencyBuckets.UPPER_BOUNDS_MS.length];
      addLatency(latency, rollupLatency.result());
      addLatency(latency, rawLatency.result());
      List<Failure> recent = new ArrayList<>();
      for (Row row : failures.result()) {
        recent.add(new Failure(row.getString("event_id"), row.getString("event_type"), row.getString("status"),
          row.getString("last_error"), row.getOffsetDateTime("failed_at"), row.getInteger("attempts"),
          row.getOffsetDateTime("received_at")));
      }
      return new Report(new Query(start, end, type), totals.all, totals.byType,
        LatencyBuckets.quantile(latency, 0.95), LatencyBuckets.quantile(latency, 0.50),
        LatencyBuckets.quantile(latency, 0.99), recent);
      });
    }));
  }

  private static void addLatency(long[] latency, RowSet<Row> rows) {
    for (Row row : rows) {
      latency[row.getInteger("bucket")] += row.getLong("events");
    }
  }

  /** Sums per status, overall and per event type. */
  private static final class Totals {
    private final Counts all = new Counts();
    private final Map<String, Counts> byType = new TreeMap<>();

    void add(RowSet<Row> rows) {
      for (Row row : rows) {
        String status = row.getString("status");
        long events = row.getLong("events");
        all.add(status, events, row.getLong("timed"), row.getLong("ms"));
        byType.computeIfAbsent(row.getString("event_type"), key -> new Counts())
          .add(status, events, row.getLong("timed"), row.getLong("ms"));
      }
    }
  }

  /** Events per status and the processing-time sums of one group. */
  public static final class Counts {
    private final Map<String, Long> byStatus = new TreeMap<>();
    private long timed;
    private long processingMs;

    void add(String status, long events, long timedEvents, long ms) {
      byStatus.merge(status, events, Long::sum);
      timed += timedEvents;
      processingMs += ms;
    }

    long total() {
      return byStatus.values().stream().mapToLong(Long::longValue).sum();
    }

    long of(String status) {
      return byStatus.getOrDefault(status, 0L);
    }

    /**
     * As the guide means them: {@code failedEvents} every event that failed (waiting for a retry or dead),
     * {@code successRate} a percentage with two decimals, {@code averageProcessingTimeMs} whole milliseconds.
     */
    JsonObject toJson() {
      long total = total();
      long successful = of("processed") + of("stale");
      return new JsonObject()
        .put("totalEvents", total)
        .put("successfulEvents", successful)
        .put("failedEvents", of("failed") + of("dead"))
        .put("retryPendingEvents", of("failed"))
        .put("deadEvents", of("dead"))
        .put("ignoredEvents", of("ignored"))
        .put("inProgressEvents", of("processing"))
        .put("successRate", total == 0 ? null : Math.round(successful * 10000.0 / total) / 100.0)
        .put("averageProcessingTimeMs", timed == 0 ? null : Math.round((double) processingMs / timed));
    }
  }
}
