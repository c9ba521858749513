package io.webhookinbox.db;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.webhookinbox.events.Payloads;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.TestDatabase;
import io.webhookinbox.support.TestService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * V7 turns an inbox filled under the V6 schema into the partitioned one without losing or changing a row: every
 * event column, every attempt, the rollup, a key per event; and the service then treats the old events as stored
 * (a redelivery is a duplicate, a reused id with another body a conflict) and continues the row ids.
 */
class PartitioningMigrationTest {
  private static final JsonObject STORED = CisiveEvents.created("evt-v6-real", "ORD-V6");
  /** Every column the inbox had when it was partitioned (later migrations add columns of their own, null here). */
  private static final String EVENTS_DIGEST = "SELECT md5(string_agg((to_jsonb(e) - 'trace_parent')::text, '|'"
    + " ORDER BY id)) AS d, count(*) AS n FROM webhook_events e";
  private static final String ATTEMPTS_DIGEST = "SELECT md5(string_agg(concat_ws(',', event_row_id, attempt,"
    + " started_at, finished_at, outcome, error), '|' ORDER BY event_row_id, attempt)) AS d, count(*) AS n"
    + " FROM webhook_event_attempts";
  private static final String ROLLUP_DIGEST = "SELECT md5(string_agg(s::text, '|' ORDER BY hour, source, event_type,"
    + " status, shard)) AS d FROM webhook_event_stats s";

  private final TestDatabase db = PostgresExtension.createEmptyDatabase("partitioning");

  @AfterEach
  void drop() {
    PostgresExtension.dropDatabase(db);
  }

  @Test
  void anUnpartitionedInboxIsMovedWhole() {
    Migrations.migrate(Migrations.configure(MigrationLocksTest.config(db)).target("6"));
    // 3,000 events over 45 days, some failed or dead with attempts, one of them a real Cisive delivery.
    db.execute("""
      INSERT INTO webhook_events (source, event_id, event_type, external_id, payload, payload_sha256, status, attempts,
                                  last_error, next_attempt_at, correlation_id, principal, received_at, processed_at,
                                  processing_ms)
      SELECT CASE WHEN g % 3 = 0 THEN 'stripe' ELSE 'cisive' END, 'evt-v6-' || g, 'OrderCreated', 'X-' || g,
             jsonb_build_object('n', g), md5(g::text), s.status, CASE WHEN s.status = 'processed' THEN 1 ELSE 3 END,
             CASE WHEN s.status <> 'processed' THEN 'boom ' || g END,
             CASE WHEN s.status = 'failed' THEN now() + interval '1 hour' END, 'corr-' || g, 'cisive-prod',
             now() - g * interval '21 minutes', now() - g * interval '21 minutes', g % 50
        FROM generate_series(1, 3000) g,
             LATERAL (SELECT CASE WHEN g % 17 = 0 THEN 'failed' WHEN g % 23 = 0 THEN 'dead' ELSE 'processed' END
                        AS status) s""");
    db.execute("INSERT INTO webhook_event_attempts SELECT id, a, received_at, received_at + interval '1 second',"
      + " 'failed', 'boom' FROM webhook_events, generate_series(1, 2) a WHERE status <> 'processed'");
    String body = STORED.encode();
    db.execute("INSERT INTO webhook_events (source, event_id, event_type, external_id, payload, payload_sha256, status,"
      + " correlation_id, received_at) VALUES ('cisive', 'evt-v6-real', 'OrderCreated', 'ORD-V6', ?::jsonb, ?,"
      + " 'processed', 'corr-real', now() - interval '3 days')", body, Payloads.sha256Hex(body.getBytes()));
    JsonObject events = db.one(EVENTS_DIGEST);
    JsonObject attempts = db.one(ATTEMPTS_DIGEST);
    JsonObject rollup = db.one(ROLLUP_DIGEST);
    long lastId = db.count("SELECT max(id) FROM webhook_events");

    Migrations.migrate(MigrationLocksTest.config(db));

    assertThat(db.one("SELECT relkind::text AS k FROM pg_class WHERE relname = 'webhook_events'").getString("k"))
      .isEqualTo("p");
    assertThat(db.one(EVENTS_DIGEST)).isEqualTo(events);
    assertThat(events.getLong("n")).isEqualTo(3001);
    assertThat(db.one(ATTEMPTS_DIGEST)).isEqualTo(attempts);
    assertThat(attempts.getLong("n")).isPositive();
    assertThat(db.one(ROLLUP_DIGEST)).isEqualTo(rollup);
    assertThat(db.count("SELECT count(*) FROM webhook_event_keys k JOIN webhook_events e USING (event_id, source)"
      + " WHERE k.received_at = e.received_at")).isEqualTo(3001);
    assertThat(db.count("SELECT count(*) FROM webhook_event_attempts a JOIN webhook_events e"
      + " ON e.id = a.event_row_id AND e.received_at = a.event_received_at")).isEqualTo(attempts.getLong("n"));

    Vertx vertx = Vertx.vertx();
    try (TestService service = TestService.start(vertx, db)) {
      HttpResponse<Buffer> again = service.postCisive(STORED.toBuffer(), service.ingestToken(), Map.of());
      assertThat(again.bodyAsJsonObject().getJsonObject("data").getString("status")).isEqualTo("duplicate");
      JsonObject reused = STORED.copy().put("occurredAt", "2026-11-21T10:00:00Z");
      assertThat(service.postCisive(reused.toBuffer(), service.ingestToken(), Map.of()).statusCode()).isEqualTo(409);
      JsonObject fresh = CisiveEvents.created("evt-v7-new", "ORD-V7");
      assertThat(service.postCisive(fresh.toBuffer(), service.ingestToken(), Map.of()).bodyAsJsonObject()
        .getJsonObject("data").getString("status")).isEqualTo("processed");
    } finally {
      vertx.close().await();
    }
    assertThat(db.count("SELECT id FROM webhook_events WHERE event_id = 'evt-v7-new'")).isGreaterThan(lastId);
    assertThat(db.count("SELECT count(*) FROM webhook_events")).isEqualTo(3002);
  }
}
