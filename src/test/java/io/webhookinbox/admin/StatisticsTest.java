package io.webhookinbox.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.webhookinbox.support.InboxExtension;
import io.webhookinbox.support.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Statistics against known data. Events are written with chosen receipt times, statuses and processing times;
 * the expected figures are computed independently, straight from those rows, for windows on hour boundaries,
 * across partial hours, inside one hour, and after events change status (which the rollup must follow).
 */
@ExtendWith(PostgresExtension.class)
class StatisticsTest {
  /** 400 events 13 minutes apart from 2026-10-01T00:00Z (about 3.6 days), statuses and times by a fixed rule. */
  private static final String EVENTS = """
      INSERT INTO webhook_events (source, event_id, event_type, external_id, payload, payload_sha256, status,
                                  attempts, correlation_id, received_at, processing_ms, last_error)
      SELECT CASE WHEN g % 5 = 0 THEN 'stripe' ELSE 'cisive' END,
             'evt-st-' || g,
             CASE WHEN g % 5 = 0 THEN 'payment_intent.succeeded' WHEN g % 4 = 0 THEN 'OrderUpdated' ELSE 'OrderCreated' END,
             'X-' || g, '{}', 'sha', s.status,
             CASE s.status WHEN 'dead' THEN 6 WHEN 'failed' THEN 2 ELSE 1 END,
             'corr-' || g,
             timestamptz '2026-10-01T00:00:00Z' + g * interval '13 minutes',
             CASE WHEN s.status IN ('processed', 'stale') THEN (g * 37) % 700 + 1 END,
             CASE WHEN s.status IN ('failed', 'dead') THEN 'SQLSTATE P0001: boom ' || g END
      FROM generate_series(1, 400) g,
           LATERAL (SELECT CASE WHEN g % 23 = 0 THEN 'failed' WHEN g % 31 = 0 THEN 'dead'
                                WHEN g % 41 = 0 THEN 'ignored' WHEN g % 43 = 0 THEN 'processing'
                                WHEN g % 7 = 0 THEN 'stale' ELSE 'processed' END AS status) s""";

  @RegisterExtension
  static final InboxExtension inbox = new InboxExtension(new JsonObject(), database -> {
    database.execute("SELECT webhook_inbox_add_partitions(date '2026-10-01', date '2026-10-05')");
    database.execute(EVENTS);
  });

  @Test
  void windowOnHourBoundaries() {
    assertMatchesRawRows("2026-10-01T00:00:00Z", "2026-10-03T00:00:00Z", null);
  }

  @Test
  void windowWithPartialHoursAtBothEndsAndAnOffset() {
    assertMatchesRawRows("2026-10-01T05:37:12+02:00", "2026-10-02T14:45:00Z", null);
  }

  @Test
  void windowInsideOneHour() {
    assertMatchesRawRows("2026-10-01T10:05:00Z", "2026-10-01T10:50:00Z", null);
  }

  @Test
  void filteredByEventType() {
    assertMatchesRawRows("2026-10-01T00:00:00Z", "2026-10-05T00:00:00Z", "OrderUpdated");
  }

  @Test
  void figuresFollowStatusChanges() {
    String start = "2026-10-01T00:00:00Z";
    String end = "2026-10-05T00:00:00Z";
    assertMatchesRawRows(start, end, null);
    // A failed event is retried successfully, a dead one is replayed and fails again, one is claimed.
    inbox.db().execute("UPDATE webhook_events SET status = 'processed', processing_ms = 12, attempts = 3 WHERE event_id = 'evt-st-23'");
    inbox.db().execute("UPDATE webhook_events SET status = 'failed', last_error = 'again' WHERE event_id = 'evt-st-31'");
    inbox.db().execute("UPDATE webhook_events SET status = 'processing' WHERE event_id = 'evt-st-46'");
    assertMatchesRawRows(start, end, null);
    // Many events in one statement, as a scheduler's claim or a bulk replay does, in both directions.
    inbox.db().execute("UPDATE webhook_events SET status = 'processing' WHERE status = 'failed'");
    assertMatchesRawRows(start, end, null);
    inbox.db().execute("UPDATE webhook_events SET status = 'processed', processing_ms = 250 WHERE status = 'processing'");
    inbox.db().execute("UPDATE webhook_events SET status = 'failed' WHERE status = 'dead'");
    assertMatchesRawRows(start, end, null);
    assertMatchesRawRows("2026-10-01T03:10:00Z", "2026-10-01T12:00:00Z", null);
  }

  @Test
  void invalidWindowsAre400() {
    assertThat(inbox.service().get("/api/webhooks/statistics?startDate=2026-10-02&endDate=2026-10-01", inbox.service().readToken())
      .statusCode()).isEqualTo(400);
    assertThat(inbox.service().get("/api/webhooks/statistics?startDate=last-week", inbox.service().readToken()).statusCode())
      .isEqualTo(400);
  }

  private static void assertMatchesRawRows(String start, String end, String type) {
    String query = "/api/webhooks/statistics?startDate=" + encode(start) + "&endDate=" + encode(end)
      + (type == null ? "" : "&eventType=" + type);
    JsonObject stats = OperatorApiTest.data(inbox.service().get(query, inbox.service().readToken()), 200);

    String window = "received_at >= ?::timestamptz AND received_at < ?::timestamptz"
      + (type == null ? "" : " AND event_type = '" + type + "'");
    JsonObject expected = counts(window, start, end);
    for (String field : expected.fieldNames()) {
      assertSameNumber(stats.getValue(field), expected.getValue(field), field + " for " + query);
    }
    List<Integer> times = inbox.db().query("SELECT processing_ms FROM webhook_events WHERE " + window
        + " AND status IN ('processed', 'stale') ORDER BY processing_ms", start, end).stream()
      .map(row -> row.getInteger("processing_ms")).toList();
    assertSameNumber(stats.getValue("p95ProcessingTimeMs"), bucketBound(times, 0.95), "p95");
    assertSameNumber(stats.getValue("p50ProcessingTimeMs"), bucketBound(times, 0.50), "p50");

    JsonObject breakdown = stats.getJsonObject("eventTypeBreakdown");
    JsonObject statusBreakdown = stats.getJsonObject("eventTypeStatusBreakdown");
    for (JsonObject row : inbox.db().query("SELECT DISTINCT event_type FROM webhook_events WHERE " + window, start, end)) {
      String eventType = row.getString("event_type");
      JsonObject expectedForType = counts(window + " AND event_type = '" + eventType + "'", start, end);
      // The guide's breakdown is type -> count; every figure per type is in eventTypeStatusBreakdown.
      assertSameNumber(breakdown.getValue(eventType), expectedForType.getValue("totalEvents"), eventType);
      for (String field : expectedForType.fieldNames()) {
        assertSameNumber(statusBreakdown.getJsonObject(eventType).getValue(field), expectedForType.getValue(field),
          eventType + "." + field);
      }
    }
    List<JsonObject> failures = inbox.db().query("SELECT event_id, attempts - 1 AS retries, last_error,"
      + " to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI') AS minute FROM webhook_events WHERE " + window
      + " AND status IN ('failed', 'dead') ORDER BY received_at DESC, id DESC LIMIT 10", start, end);
    JsonArray recent = stats.getJsonArray("recentFailures");
    assertThat(recent).hasSameSizeAs(failures);
    for (int i = 0; i < failures.size(); i++) {
      JsonObject actual = recent.getJsonObject(i);
      assertThat(actual.getString("eventId")).isEqualTo(failures.get(i).getString("event_id"));
      assertThat(actual.getInteger("retryCount")).isEqualTo(failures.get(i).getInteger("retries"));
      assertThat(actual.getString("errorMessage")).isEqualTo(failures.get(i).getString("last_error"));
      assertThat(actual.getString("timestamp")).startsWith(failures.get(i).getString("minute"));
    }
  }

  /** JSON numbers come back as Integer or Long, Double or Float: compare values. */
  private static void assertSameNumber(Object actual, Object expected, String what) {
    if (expected == null) {
      assertThat(actual).as(what).isNull();
    } else {
      assertThat(actual).as(what).isInstanceOf(Number.class);
      assertThat(((Number) actual).doubleValue()).as(what).isEqualTo(((Number) expected).doubleValue());
    }
  }

  /** The figures, computed from the events themselves. */
  private static JsonObject counts(String where, String start, String end) {
    JsonObject row = inbox.db().one("""
      SELECT count(*) AS total,
             count(*) FILTER (WHERE status IN ('processed', 'stale')) AS successful,
             count(*) FILTER (WHERE status = 'failed') AS failed,
             count(*) FILTER (WHERE status = 'dead') AS dead,
             count(*) FILTER (WHERE status = 'ignored') AS ignored,
             count(*) FILTER (WHERE status = 'processing') AS processing,
             round(avg(processing_ms) FILTER (WHERE status <> 'processing'))::float8 AS average
      FROM webhook_events WHERE
      """ + " " + where, start, end);
    long total = row.getLong("total");
    long successful = row.getLong("successful");
    return new JsonObject()
      .put("totalEvents", total)
      .put("successfulEvents", successful)
      .put("failedEvents", row.getLong("failed") + row.getLong("dead"))
      .put("retryPendingEvents", row.getLong("failed"))
      .put("deadEvents", row.getLong("dead"))
      .put("ignoredEvents", row.getLong("ignored"))
      .put("inProgressEvents", row.getLong("processing"))
      .put("successRate", total == 0 ? null : Math.round(successful * 10000.0 / total) / 100.0)
      .put("averageProcessingTimeMs", row.getValue("average") == null ? null
        : ((Number) row.getValue("average")).doubleValue());
  }

  /** The documented histogram bound (see LatencyBuckets) of the q-quantile of sorted times. */
  private static Long bucketBound(List<Integer> sorted, double q) {
    if (sorted.isEmpty()) {
      return null;
    }
    int value = sorted.get((int) Math.ceil(q * sorted.size()) - 1);
    long[] bounds = {1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 2000, 5000, 10000,
      30000, 60000};
    for (long bound : bounds) {
      if (value <= bound) {
        return bound;
      }
    }
    return 60000L;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
