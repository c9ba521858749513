package io.webhookinbox.admin;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.InboxExtension;
import io.webhookinbox.support.PostgresExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Event details, listings with keyset pagination, order and payment lookups, and who may see what. */
@ExtendWith(PostgresExtension.class)
class OperatorApiTest {
  @RegisterExtension
  static final InboxExtension inbox = new InboxExtension();

  @BeforeAll
  static void orderWithTwoEvents() {
    inbox.service().postCisive(CisiveEvents.event("evt-op-1", "OrderCreated", "2026-11-20T10:00:00Z", "ORD-OP-1", "Created"),
      "cisive-prod", "corr-op-1");
    inbox.service().postCisive(CisiveEvents.event("evt-op-2", "OrderUpdated", "2026-11-20T11:00:00Z", "ORD-OP-1", "Completed"),
      "cisive-prod", "corr-op-2");
  }

  @Test
  void eventDetailsForReadersWithoutPayloadAndForAdminsWithIt() {
    JsonObject event = data(inbox.service().get("/api/webhooks/events/evt-op-1", inbox.service().readToken()), 200);
    assertThat(event.getString("eventId")).isEqualTo("evt-op-1");
    assertThat(event.getString("source")).isEqualTo("cisive");
    assertThat(event.getString("eventType")).isEqualTo("OrderCreated");
    assertThat(event.getString("externalOrderId")).isEqualTo("ORD-OP-1");
    assertThat(event.getString("processingStatus")).as("the guide's status").isEqualTo("completed");
    assertThat(event.getString("inboxStatus")).isEqualTo("processed");
    assertThat(event.getInteger("processingTimeMs")).isNotNull();
    assertThat(event.getString("receivedAt")).isNotNull();
    assertThat(event.getString("processedAt")).isNotNull();
    assertThat(event.getInteger("retryCount")).isZero();
    assertThat(event.getValue("errorMessage")).isNull();
    assertThat(event.getString("correlationId")).isEqualTo("corr-op-1");
    // The guide's metadata is the business object's (for Cisive: the order's client reference and package code);
    // what the inbox recorded moved from metadata to inbox.
    assertThat(event.getJsonObject("metadata")).isEqualTo(new JsonObject()
      .put("clientReference", "CLIENT-REF-7").put("packageCode", "PKG-STANDARD"));
    JsonObject inboxRecord = event.getJsonObject("inbox");
    assertThat(inboxRecord.getString("principal")).isEqualTo("cisive-prod");
    assertThat(inboxRecord.getString("occurredAt")).isEqualTo("2026-11-20T10:00Z");
    assertThat(inboxRecord.getInteger("resourceVersion")).isEqualTo(1);
    assertThat(event.containsKey("payload")).isFalse();
    assertThat(event.encode()).doesNotContain(CisiveEvents.LAST_NAME).doesNotContain(CisiveEvents.EMAIL);

    JsonObject forAdmin = data(inbox.service().get("/api/webhooks/events/evt-op-1", inbox.service().adminToken()), 200);
    assertThat(forAdmin.getJsonObject("payload").getJsonObject("order").getString("externalOrderId"))
      .isEqualTo("ORD-OP-1");

    assertThat(inbox.service().get("/api/webhooks/events/evt-nope", inbox.service().readToken()).statusCode()).isEqualTo(404);
    assertThat(inbox.service().get("/api/webhooks/events/evt-op-1", null).statusCode()).isEqualTo(401);
    assertThat(inbox.service().get("/api/webhooks/events/evt-op-1", inbox.service().ingestToken()).statusCode()).isEqualTo(403);
  }

  @Test
  void listingPagesNewestFirstWithoutGapsOrRepeatsWhileEventsKeepArriving() {
    for (int i = 0; i < 23; i++) {
      inbox.service().postCisive(CisiveEvents.created(String.format("evt-page-%02d", i), String.format("ORD-PAGE-%02d", i)));
    }
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      String query = "/api/webhooks/events?eventType=OrderCreated&limit=7" + (cursor == null ? ""
        : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
      JsonObject page = data(inbox.service().get(query, inbox.service().readToken()), 200);
      page.getJsonArray("events").forEach(event -> seen.add(((JsonObject) event).getString("eventId")));
      cursor = page.getString("nextCursor");
      if (pages++ == 0) {
        // Newer events arriving between pages must not shift what the next pages return.
        inbox.service().postCisive(CisiveEvents.created("evt-page-late", "ORD-PAGE-LATE"));
      }
    } while (cursor != null && pages < 10);

    List<String> expected = inbox.db().query("SELECT event_id FROM webhook_events WHERE event_type = 'OrderCreated'"
      + " AND event_id <> 'evt-page-late' ORDER BY received_at DESC, id DESC").stream()
      .map(row -> row.getString("event_id")).toList();
    assertThat(seen).containsExactlyElementsOf(expected);
    assertThat(new HashSet<>(seen)).hasSameSizeAs(seen);
    assertThat(pages).isEqualTo((expected.size() + 6) / 7);
  }

  @Test
  void listingFilters() {
    JsonArray byOrder = data(inbox.service().get("/api/webhooks/events?externalOrderId=ORD-OP-1", inbox.service().readToken()), 200)
      .getJsonArray("events");
    assertThat(byOrder).extracting(event -> ((JsonObject) event).getString("eventId"))
      .containsExactly("evt-op-2", "evt-op-1");
    JsonArray updates = data(inbox.service().get("/api/webhooks/events?eventType=OrderUpdated&status=processed&source=cisive",
      inbox.service().readToken()), 200).getJsonArray("events");
    assertThat(updates).extracting(event -> ((JsonObject) event).getString("eventId")).containsExactly("evt-op-2");
    assertThat(data(inbox.service().get("/api/webhooks/events?from=2099-01-01T00:00:00Z", inbox.service().readToken()), 200)
      .getJsonArray("events")).isEmpty();
    assertThat(data(inbox.service().get("/api/webhooks/events?to=2000-01-01", inbox.service().readToken()), 200)
      .getJsonArray("events")).isEmpty();

    for (String bad : List.of("limit=501", "limit=0", "status=weird", "cursor=bm9wZQ", "from=yesterday",
      "source=paypal")) {
      HttpResponse<Buffer> response = inbox.service().get("/api/webhooks/events?" + bad, inbox.service().readToken());
      assertThat(response.statusCode()).as(bad).isEqualTo(400);
      assertThat(response.bodyAsJsonObject().getJsonObject("error").getJsonArray("fieldErrors").getJsonObject(0)
        .getString("field")).isEqualTo(bad.substring(0, bad.indexOf('=')));
    }
  }

  @Test
  void orderLookupShowsAuditFieldsAndHistoryAndPersonalDataOnlyToAdmins() {
    JsonObject order = data(inbox.service().get("/api/orders/ORD-OP-1", inbox.service().readToken()), 200);
    assertThat(order.getString("status")).isEqualTo("Completed");
    assertThat(order.getInteger("version")).isEqualTo(2);
    assertThat(order.getString("createdBy")).isEqualTo("cisive-prod");
    assertThat(order.getString("updatedCorrelationId")).isEqualTo("corr-op-2");
    assertThat(order.getString("sourceSystem")).isEqualTo("Cisive");
    assertThat(order.getJsonArray("events")).extracting(event -> ((JsonObject) event).getString("eventId"))
      .containsExactly("evt-op-1", "evt-op-2");
    assertThat(order.getJsonArray("events").getJsonObject(0).getString("status")).isEqualTo("processed");
    assertThat(order.containsKey("candidate")).isFalse();
    assertThat(order.getJsonObject("document").containsKey("candidate")).isFalse();
    assertThat(order.encode()).doesNotContain(CisiveEvents.FIRST_NAME).doesNotContain(CisiveEvents.DATE_OF_BIRTH);

    JsonObject forAdmin = data(inbox.service().get("/api/orders/ORD-OP-1", inbox.service().adminToken()), 200);
    assertThat(forAdmin.getJsonObject("candidate").getString("lastName")).isEqualTo(CisiveEvents.LAST_NAME);

    HttpResponse<Buffer> missing = inbox.service().get("/api/orders/ORD-NONE", inbox.service().readToken());
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.bodyAsJsonObject().getJsonObject("error").getInteger("code")).isEqualTo(5115);
  }

  @Test
  void unknownPaymentIs404WithCode5113() {
    HttpResponse<Buffer> response = inbox.service().get("/api/payments/pi_unknown", inbox.service().readToken());
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getInteger("code")).isEqualTo(5113);
  }

  @Test
  void everyOperatorEndpointNeedsAToken() {
    Set<String> paths = Set.of("/api/webhooks/events", "/api/webhooks/events/evt-op-1", "/api/webhooks/statistics",
      "/api/webhooks/configuration", "/api/orders/ORD-OP-1", "/api/payments/pi_x");
    for (String path : paths) {
      assertThat(inbox.service().get(path, null).statusCode()).as(path).isEqualTo(401);
      assertThat(inbox.service().get(path, inbox.service().ingestToken()).statusCode()).as(path).isEqualTo(403);
    }
    assertThat(inbox.service().send(inbox.service().client().put("/api/webhooks/configuration"), Buffer.buffer("{}"),
      inbox.service().readToken(), "application/json", Map.of()).statusCode()).isEqualTo(403);
  }

  static JsonObject data(HttpResponse<Buffer> response, int status) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.bodyAsJsonObject().getBoolean("success")).isTrue();
    return response.bodyAsJsonObject().getJsonObject("data");
  }
}
