package io.webhookinbox.admin;

import io.vertx.core.json.JsonArray;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.InboxExtension;
import io.webhookinbox.support.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** An order's history is capped at 1,000 events: the newest ones, listed oldest first. */
@ExtendWith(PostgresExtension.class)
class OrderHistoryTest {
  @RegisterExtension
  static final InboxExtension inbox = new InboxExtension();

  @Test
  void longHistoryShowsTheNewestThousandEvents() {
    inbox.service().postCisive(CisiveEvents.event("evt-hist-0", "OrderCreated", "2026-11-01T00:00:00Z", "ORD-HIST",
      "Created"), "cisive-prod", "corr-hist");
    // 1,004 later updates stored directly: only the history query is under test, and 1,005 deliveries would be slow.
    inbox.db().execute("""
      INSERT INTO webhook_events (source, event_id, event_type, external_id, occurred_at, payload, payload_sha256,
                                  status, correlation_id, received_at, processed_at)
      SELECT 'cisive', 'evt-hist-' || n, 'OrderUpdated', 'ORD-HIST', timestamptz '2026-11-01' + n * interval '1 minute',
             '{}', md5(n::text), 'processed', 'corr-hist', now(), now()
      FROM generate_series(1, 1004) n""");

    JsonArray events = inbox.service().get("/api/orders/ORD-HIST", inbox.service().readToken()).bodyAsJsonObject()
      .getJsonObject("data").getJsonArray("events");

    assertThat(events).hasSize(1000);
    assertThat(events.getJsonObject(0).getString("eventId")).isEqualTo("evt-hist-5");
    assertThat(events.getJsonObject(999).getString("eventId")).isEqualTo("evt-hist-1004");
  }
}
