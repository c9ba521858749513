package io.webhookinbox.retry;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.webhookinbox.support.InboxExtension;
import io.webhookinbox.support.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A bulk replay answers with the re-queued ids oldest first, whatever order PostgreSQL updates the rows in. The
 * database here plans joins by hashing (as it may for any table size), and the rows' physical order is the reverse
 * of their age, as it becomes when events are updated through their attempts. Their stored documents are empty, as
 * no delivery could store them: the attempts fail with that reason instead of holding their leases.
 */
@ExtendWith(PostgresExtension.class)
class BulkReplayOrderTest {
  private static final int EVENTS = 12;

  @RegisterExtension
  static final InboxExtension inbox = new InboxExtension(new JsonObject(), database -> {
    database.execute("ALTER DATABASE " + database.name() + " SET enable_nestloop = off");
    database.execute("ALTER DATABASE " + database.name() + " SET enable_mergejoin = off");
    database.execute("SELECT webhook_inbox_add_partitions(date '2000-01-01', date '2000-01-01')");
    // Inserted newest first: evt-o12 lies first on disk, evt-o01 (the oldest) last.
    database.execute("""
      INSERT INTO webhook_events (source, event_id, event_type, payload, payload_sha256, status, correlation_id,
                                  received_at)
      SELECT 'cisive', 'evt-o' || lpad(g::text, 2, '0'), 'OrderCreated', '{}', 'x', 'dead', 'c',
             timestamptz '2000-01-01T10:00:00Z' + g * interval '1 second'
      FROM generate_series(?, 1, -1) g""", EVENTS);
  });

  @Test
  void requeuedIdsAreListedOldestFirst() {
    HttpResponse<Buffer> replayed = inbox.service().postAsAdmin("/api/webhooks/retry?status=dead&limit=" + EVENTS);

    assertThat(replayed.statusCode()).as(replayed.bodyAsString()).isEqualTo(200);
    List<String> oldestFirst = IntStream.rangeClosed(1, EVENTS).mapToObj(g -> String.format("evt-o%02d", g)).toList();
    assertThat(replayed.bodyAsJsonObject().getJsonObject("data").getJsonArray("eventIds").getList())
      .containsExactlyElementsOf(oldestFirst);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(inbox.db().query(
        "SELECT status, attempts, last_error FROM webhook_events WHERE event_id LIKE 'evt-o%'"))
      .hasSize(EVENTS)
      .allSatisfy(row -> {
        assertThat(row.getString("status")).isIn("failed", "dead");
        assertThat(row.getInteger("attempts")).isEqualTo(2);
        assertThat(row.getString("last_error")).startsWith("NullPointerException");
      }));
  }
}
