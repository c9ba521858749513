package io.webhookinbox.retention;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.webhookinbox.events.Payloads;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.InboxExtension;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Retention on the partitioned inbox, through the running service: day-partitions older than
 * {@code retention.events} are dropped at start-up (attempts with them) unless they hold an unfinished event, which
 * stays (with its attempts and key) however old, an event id stays a duplicate while its key lives
 * ({@code retention.dedupKeys}) even without its payload, expired keys and rollup rows go, partitions exist ahead of
 * today, and only one replica runs the maintenance at a time.
 */
@ExtendWith(PostgresExtension.class)
class RetentionTest {
  private static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);
  /** Finished, dropped with its partition (older than 3 days), its key kept (younger than 5 days). */
  private static final JsonObject DROPPED = CisiveEvents.created("evt-ret-dropped", "ORD-RET-1");
  /** Dead and as old as DROPPED: it stays, with its attempts, visible and replayable. */
  private static final JsonObject DEAD = CisiveEvents.created("evt-ret-dead", "ORD-RET-4");
  /** Processed, on the same day as DEAD: it goes, while DEAD stays. */
  private static final JsonObject BESIDE_DEAD = CisiveEvents.created("evt-ret-beside-dead", "ORD-RET-5");
  /** Its key is older than 5 days: forgotten, so the same id is a new event again. */
  private static final JsonObject FORGOTTEN = CisiveEvents.created("evt-ret-forgotten", "ORD-RET-2");
  private static final JsonObject KEPT = CisiveEvents.created("evt-ret-kept", "ORD-RET-3");

  @RegisterExtension
  static final InboxExtension inbox = new InboxExtension(new JsonObject()
    .put("retention", new JsonObject().put("events", 3).put("dedupKeys", 5).put("statistics", 4)),
    RetentionTest::storeOldEvents);

  private static void storeOldEvents(TestDatabase db) {
    db.execute("SELECT webhook_inbox_add_partitions(?::date, ?::date)", TODAY.minusDays(10).toString(),
      TODAY.minusDays(1).toString());
    storeOld(db, DROPPED, 4, "processed");
    storeOld(db, FORGOTTEN, 7, "processed");
    storeOld(db, KEPT, 1, "processed");
    storeOld(db, DEAD, 6, "dead");
    storeOld(db, BESIDE_DEAD, 6, "processed");
    db.execute("INSERT INTO webhook_event_attempts SELECT id, received_at, 1, received_at, received_at, 'failed', 'x'"
      + " FROM webhook_events WHERE event_id IN ('evt-ret-dropped', 'evt-ret-dead', 'evt-ret-beside-dead')");
  }

  /** An event as ingestion stores it (row and key), received {@code daysAgo} days ago at noon UTC. */
  private static void storeOld(TestDatabase db, JsonObject event, int daysAgo, String status) {
    String body = event.encode();
    String receivedAt = TODAY.minusDays(daysAgo) + "T12:00:00Z";
    db.execute("INSERT INTO webhook_events (source, event_id, event_type, external_id, occurred_at, payload,"
        + " payload_sha256, status, correlation_id, principal, received_at, processing_ms) VALUES ('cisive', ?,"
        + " 'OrderCreated', ?, ?::timestamptz, ?::jsonb, ?, ?, 'corr-old', 'cisive-test', ?::timestamptz, 4)", event.getString("eventId"),
      event.getJsonObject("order").getString("externalOrderId"), event.getString("occurredAt"), body,
      Payloads.sha256Hex(body.getBytes()), status, receivedAt);
    db.execute("INSERT INTO webhook_event_keys VALUES (?, 'cisive', ?::timestamptz, decode(?, 'hex'))",
      event.getString("eventId"), receivedAt, Payloads.sha256Hex(body.getBytes()));
  }

  @Test
  void oldDaysAreDroppedWholeWhileTheirIdsStayDuplicates() {
    TestDatabase db = inbox.db();
    await().atMost(Duration.ofSeconds(30)).until(() -> partitionsOf(TODAY.minusDays(4)) == 0);

    assertThat(partitionsOf(TODAY.minusDays(10))).isZero();
    assertThat(partitionsOf(TODAY.minusDays(3))).as("a day not wholly older than 3 days stays").isEqualTo(2);
    for (int ahead = 0; ahead <= 7; ahead++) {
      assertThat(partitionsOf(TODAY.plusDays(ahead))).as("partitions %d days ahead", ahead).isEqualTo(2);
    }
    assertThat(db.query("SELECT event_id FROM webhook_events WHERE event_id LIKE 'evt-ret-%' ORDER BY 1"))
      .extracting(row -> row.getString("event_id")).containsExactly("evt-ret-dead", "evt-ret-kept");
    assertThat(db.query("SELECT DISTINCT e.event_id FROM webhook_event_attempts a JOIN webhook_events e ON e.id = a.event_row_id"
      + " ORDER BY 1"))
      .extracting(row -> row.getString("event_id")).containsExactly("evt-ret-dead");
    assertThat(db.query("SELECT event_id FROM webhook_event_keys WHERE event_id LIKE 'evt-ret-%' ORDER BY 1"))
      .extracting(row -> row.getString("event_id")).as("a kept event keeps its key past retention.dedupKeys")
      .containsExactly("evt-ret-dead", "evt-ret-dropped", "evt-ret-kept");

    // The payload is gone, the key answers: the same body is a duplicate (and the answer says the record expired),
    // another body under its id a conflict.
    HttpResponse<Buffer> again = post(DROPPED.toBuffer());
    assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(200);
    assertThat(again.bodyAsJsonObject().getJsonObject("data").getString("status")).isEqualTo("duplicate");
    assertThat(again.bodyAsJsonObject().getJsonObject("data").getBoolean("recordExpired")).isTrue();
    JsonObject changed = DROPPED.copy();
    changed.getJsonObject("order").put("status", "Completed");
    assertThat(post(changed.toBuffer()).statusCode()).isEqualTo(409);
    assertThat(db.count("SELECT count(*) FROM webhook_events WHERE event_id = 'evt-ret-dropped'")).isZero();

    // Past retention.dedupKeys the id is forgotten: the delivery is new again.
    HttpResponse<Buffer> forgotten = post(FORGOTTEN.toBuffer());
    assertThat(forgotten.bodyAsJsonObject().getJsonObject("data").getString("status")).isEqualTo("processed");
    assertThat(post(KEPT.toBuffer()).bodyAsJsonObject().getJsonObject("data").getString("status"))
      .isEqualTo("duplicate");
  }

  @Test
  void anUnfinishedEventOutlivesRetentionStaysVisibleAndIsReplayable() {
    await().atMost(Duration.ofSeconds(30)).until(() -> partitionsOf(TODAY.minusDays(4)) == 0);
    assertThat(partitionsOf(TODAY.minusDays(6))).as("the dead letter's day stays, holding it alone").isEqualTo(2);
    String metrics = inbox.service().get("/metrics", null).bodyAsString();
    assertThat(metrics).contains("webhook_retention_unfinished_expired_events 1.0");

    HttpResponse<Buffer> listed = inbox.service().get("/api/webhooks/events?status=dead", inbox.service().adminToken());
    assertThat(listed.bodyAsJsonObject().getJsonObject("data").getJsonArray("events").stream()
      .map(event -> ((JsonObject) event).getString("eventId"))).contains("evt-ret-dead");
    // A redelivery is not a silent duplicate: the event waits for an operator's replay, and the sender is told.
    HttpResponse<Buffer> redelivered = post(DEAD.toBuffer());
    assertThat(redelivered.statusCode()).as(redelivered.bodyAsString()).isEqualTo(202);
    assertThat(redelivered.bodyAsJsonObject().getJsonObject("data").getString("status")).isEqualTo("dead");

    assertThat(inbox.service().postAsAdmin("/api/webhooks/retry/evt-ret-dead").statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> "processed".equals(inbox.db()
      .one("SELECT status FROM webhook_events WHERE event_id = 'evt-ret-dead'").getString("status")));
  }

  @Test
  void theRollupKeepsItsOwnRetention() {
    TestDatabase db = inbox.db();
    db.execute("INSERT INTO webhook_event_stats VALUES (date_trunc('hour', now()) - interval '5 days', 'cisive',"
      + " 'OrderCreated', 'processed', 0, 7, 7, 70), (date_trunc('hour', now()) - interval '2 days', 'cisive',"
      + " 'OrderCreated', 'processed', 0, 3, 3, 30)");

    String report = runNow();

    assertThat(report).contains("skipped=false");
    assertThat(db.count("SELECT coalesce(sum(events), 0) FROM webhook_event_stats"
      + " WHERE hour < date_trunc('hour', now()) - interval '4 days'")).isZero();
    assertThat(db.count("SELECT sum(events) FROM webhook_event_stats"
      + " WHERE hour = date_trunc('hour', now()) - interval '2 days'")).isEqualTo(3);
  }

  @Test
  void oneReplicaAtATime() throws Exception {
    try (Connection other = inbox.db().connect(); Statement statement = other.createStatement()) {
      statement.execute("SELECT pg_advisory_lock(hashtext('webhook-inbox.retention'))");
      assertThat(runNow()).contains("skipped=true");
      statement.execute("SELECT pg_advisory_unlock(hashtext('webhook-inbox.retention'))");
    }
    assertThat(runNow()).contains("skipped=false").contains("partitionsDropped=[]").contains("daysAhead=7");
    String metrics = inbox.service().get("/metrics", null).bodyAsString();
    assertThat(metrics).contains("webhook_partitions_ahead_days 7.0")
      .containsPattern("webhook_retention_runs_total\\{[^}]*outcome=\"skipped\"[^}]*\\} [1-9]")
      .containsPattern("webhook_retention_runs_total\\{[^}]*outcome=\"done\"[^}]*\\} [1-9]");
  }

  private static String runNow() {
    return inbox.service().server().vertx().eventBus().<String>request(RetentionVerticle.RUN_ADDRESS, null)
      .await().body();
  }

  private static long partitionsOf(LocalDate day) {
    String suffix = "_p" + day.toString().replace("-", "");
    return inbox.db().count("SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
      + " WHERE c.relname IN (?, ?)", "webhook_events" + suffix, "webhook_event_attempts" + suffix);
  }

  private static HttpResponse<Buffer> post(Buffer body) {
    return inbox.service().postCisive(body, inbox.service().ingestToken(), Map.of());
  }
}
