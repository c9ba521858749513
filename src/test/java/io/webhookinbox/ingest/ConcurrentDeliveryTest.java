package io.webhookinbox.ingest;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.InboxExtension;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Deliveries racing each other: exactly one application, every caller a 2xx, newest state wins. */
@ExtendWith(PostgresExtension.class)
class ConcurrentDeliveryTest {
  @RegisterExtension
  static final InboxExtension inbox = new InboxExtension();

  @Test
  void fiftyIdenticalDeliveriesAtOnceApplyExactlyOnce() {
    Buffer body = CisiveEvents.created("evt-race-1", "ORD-RACE-1").toBuffer();
    String token = inbox.service().ingestToken();
    List<Future<HttpResponse<Buffer>>> inFlight = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      inFlight.add(inbox.service().client().post(TestService.CISIVE_PATH)
        .putHeader("Authorization", "Bearer " + token)
        .putHeader("Content-Type", "application/json")
        .sendBuffer(body));
    }
    Future.all(inFlight).await();

    List<String> statuses = inFlight.stream().map(Future::result).map(response -> {
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
      return response.bodyAsJsonObject().getJsonObject("data").getString("status");
    }).toList();
    assertThat(statuses).filteredOn("processed"::equals).hasSize(1);
    assertThat(statuses).filteredOn("duplicate"::equals).hasSize(49);
    assertThat(inbox.db().count("SELECT count(*) FROM webhook_events WHERE event_id = 'evt-race-1'")).isEqualTo(1);
    assertThat(inbox.db().one("SELECT version FROM orders WHERE external_order_id = 'ORD-RACE-1'").getInteger("version"))
      .isEqualTo(1);
  }

  @Test
  void concurrentDistinctEventsForOneOrderConvergeOnTheNewest() {
    List<JsonObject> events = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      events.add(CisiveEvents.event("evt-conv-" + i, "OrderUpdated", String.format("2026-11-20T10:%02d:00Z", i),
        "ORD-CONV-1", i % 2 == 0 ? "InProgress" : "OnHold"));
    }
    Collections.shuffle(events, new Random(42));
    List<Future<HttpResponse<Buffer>>> inFlight = inbox.service().sendCisiveAtOnce(events);
    Future.all(inFlight).await();

    inFlight.forEach(response -> assertThat(response.result().statusCode()).isEqualTo(200));
    JsonObject order = inbox.db().one("SELECT status, version, last_event_id FROM orders WHERE external_order_id = 'ORD-CONV-1'");
    assertThat(order.getString("last_event_id")).isEqualTo("evt-conv-19");
    assertThat(order.getString("status")).isEqualTo("OnHold");
    long applied = inbox.db().count("SELECT count(*) FROM webhook_events WHERE external_id = 'ORD-CONV-1' AND status = 'processed'");
    assertThat(order.getInteger("version")).isEqualTo((int) applied);
    assertThat(inbox.db().count("SELECT count(*) FROM webhook_events WHERE external_id = 'ORD-CONV-1'")).isEqualTo(20);
  }
}
