package io.webhookinbox.retention;

import io.vertx.core.json.JsonObject;
import io.webhookinbox.events.Payloads;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.ProcessClient;
import io.webhookinbox.support.ServiceProcess;
import io.webhookinbox.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A dead letter 100 days old under the default retention (90 days), against the packaged service: its day is emptied
 * of the finished events beside it but the dead letter stays, listed, replayable and reported; its redelivery says it
 * is dead, and the redelivery of a removed finished event says its record expired.
 */
@ExtendWith(PostgresExtension.class)
class RetentionIT {
  private static final LocalDate DAY = LocalDate.now(ZoneOffset.UTC).minusDays(100);
  private static final JsonObject DEAD = CisiveEvents.created("evt-old-dead", "ORD-OLD-DEAD");
  private static final JsonObject FINISHED = CisiveEvents.created("evt-old-finished", "ORD-OLD-FINISHED");

  @Test
  void retentionKeepsDeadLettersVisibleAndReplayable(TestDatabase db, @TempDir Path dir) {
    db.execute("SELECT webhook_inbox_add_partitions(?::date, ?::date)", DAY.toString(), DAY.toString());
    store(db, DEAD, "dead");
    store(db, FINISHED, "processed");
    try (ProcessClient client = new ProcessClient();
         ServiceProcess service = ServiceProcess.start(ServiceProcess.workingDirectory(dir),
           client.environment(db, Map.of())).awaitListening()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> db.count(
        "SELECT count(*) FROM webhook_events WHERE event_id = 'evt-old-finished'") == 0);
      assertThat(db.count("SELECT count(*) FROM webhook_events WHERE event_id = 'evt-old-dead' AND status = 'dead'"))
        .isEqualTo(1);
      assertThat(db.count("SELECT count(*) FROM webhook_event_attempts a JOIN webhook_events e ON e.id = a.event_row_id"
        + " WHERE e.event_id = 'evt-old-dead'")).isEqualTo(1);
      assertThat(client.get("/metrics").body()).contains("webhook_retention_unfinished_expired_events 1.0");

      String admin = client.token("operator", "webhooks:admin");
      assertThat(call(client, "GET", "/api/webhooks/events?status=dead", admin).body()).contains("evt-old-dead");

      ProcessClient.Answer redelivered = post(client, DEAD);
      assertThat(redelivered.statusCode()).as(redelivered.body()).isEqualTo(202);
      assertThat(new JsonObject(redelivered.body()).getJsonObject("data").getString("status")).isEqualTo("dead");
      ProcessClient.Answer expired = post(client, FINISHED);
      assertThat(expired.statusCode()).isEqualTo(200);
      JsonObject expiredData = new JsonObject(expired.body()).getJsonObject("data");
      assertThat(expiredData.getString("status")).isEqualTo("duplicate");
      assertThat(expiredData.getBoolean("recordExpired")).isTrue();

      assertThat(call(client, "POST", "/api/webhooks/retry/evt-old-dead", admin).statusCode()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(20)).until(() -> db.count(
        "SELECT count(*) FROM webhook_events WHERE event_id = 'evt-old-dead' AND status = 'processed'") == 1);
    }
  }

  /** An event of {@link #DAY} as ingestion stores it: row, key and one attempt. */
  private static void store(TestDatabase db, JsonObject event, String status) {
    String body = event.encode();
    String receivedAt = DAY + "T12:00:00Z";
    String hash = Payloads.sha256Hex(body.getBytes());
    db.execute("INSERT INTO webhook_events (source, event_id, event_type, external_id, occurred_at, payload,"
        + " payload_sha256, status, attempts, last_error, correlation_id, principal, received_at) VALUES ('cisive', ?,"
        + " 'OrderCreated', ?, ?::timestamptz, ?::jsonb, ?, ?, 6, 'SQLSTATE P0001: gave up', 'corr-old', 'cisive',"
        + " ?::timestamptz)",
      event.getString("eventId"), event.getJsonObject("order").getString("externalOrderId"),
      event.getString("occurredAt"), body, hash, status, receivedAt);
    db.execute("INSERT INTO webhook_event_keys VALUES (?, 'cisive', ?::timestamptz, decode(?, 'hex'))",
      event.getString("eventId"), receivedAt, hash);
    db.execute("INSERT INTO webhook_event_attempts SELECT id, received_at, 6, received_at, received_at, ?, 'x'"
      + " FROM webhook_events WHERE event_id = ?", status, event.getString("eventId"));
  }

  private static ProcessClient.Answer post(ProcessClient client, JsonObject event) {
    return client.send(HttpRequest.newBuilder(URI.create(client.base() + "/api/webhooks/cisive/orders"))
      .header("Authorization", "Bearer " + client.token("sender", "webhooks:ingest"))
      .header("Content-Type", "application/json")
      .POST(HttpRequest.BodyPublishers.ofString(event.encode())).build());
  }

  private static ProcessClient.Answer call(ProcessClient client, String method, String path, String token) {
    return client.send(HttpRequest.newBuilder(URI.create(client.base() + path)).header("Authorization", "Bearer " + token)
      .method(method, HttpRequest.BodyPublishers.noBody()).build());
  }
}
