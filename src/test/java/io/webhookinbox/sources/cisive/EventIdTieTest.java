package io.webhookinbox.sources.cisive;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.TestDatabase;
import io.webhookinbox.support.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two events of one order with the same {@code occurredAt} are ordered by event id byte by byte (COLLATE "C"),
 * whatever the database's collation: here a database whose default collation is linguistic (ICU English), where
 * "evt-tie-B" sorts after "evt-tie-a"; in bytes "a" (0x61) is after "B" (0x42). A linguistic order would also
 * change with an ICU or glibc upgrade, so the newest event of an order could change under a running inbox.
 */
@ExtendWith(VertxExtension.class)
class EventIdTieTest {
  private static TestDatabase db;
  private static TestService service;

  @BeforeAll
  static void start(Vertx vertx) {
    db = PostgresExtension.createDatabase("tie_icu", "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en' LOCALE 'C'");
    assertThat(db.one("SELECT 'evt-tie-B' > 'evt-tie-a' AS linguistic").getBoolean("linguistic")).isTrue();
    service = TestService.start(vertx, db);
  }

  @AfterAll
  static void stop() {
    service.close();
    PostgresExtension.dropDatabase(db);
  }

  @Test
  void tiesOnOccurredAtGoToTheGreaterEventIdInBytesWhateverTheArrivalOrder() {
    String at = "2026-11-20T10:00:00Z";
    post("evt-tie-B", "ORD-TIE-1", at, "processed");
    post("evt-tie-a", "ORD-TIE-1", at, "processed");
    post("evt-tie-a", "ORD-TIE-2", at, "processed");
    post("evt-tie-B", "ORD-TIE-2", at, "stale");

    for (String order : new String[] {"ORD-TIE-1", "ORD-TIE-2"}) {
      assertThat(db.one("SELECT last_event_id FROM orders WHERE external_order_id = ?", order)
        .getString("last_event_id")).as(order).isEqualTo("evt-tie-a-" + order);
    }
  }

  private static void post(String eventId, String order, String occurredAt, String expected) {
    JsonObject event = CisiveEvents.event(eventId + "-" + order, "OrderUpdated", occurredAt, order, "InProgress");
    // Event ids must be unique: the order id is appended, which keeps the comparison on the first difference.
    JsonObject data = service.postCisive(event).bodyAsJsonObject().getJsonObject("data");
    assertThat(data.getString("status")).as(eventId + " on " + order).isEqualTo(expected);
  }
}
