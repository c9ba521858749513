package io.webhookinbox.admin;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.InboxExtension;
import io.webhookinbox.support.LogCapture;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code DELETE /api/orders/{id}/personal-data} through real HTTP, checked in the database itself: the candidate
 * is gone from the order and every stored payload, hashes and business fields stay, the answer counts, a second
 * call changes nothing, and neither a redelivery, a later event with the same data nor a replay brings it back.
 */
@ExtendWith(PostgresExtension.class)
class PersonalDataErasureTest {
  private static final List<String> PERSONAL_DATA = List.of(CisiveEvents.FIRST_NAME, CisiveEvents.LAST_NAME,
    CisiveEvents.EMAIL, CisiveEvents.DATE_OF_BIRTH, CisiveEvents.PHONE);
  /** A contact's name at the top level, an email in order notes and an inspector's name in a service. */
  private static final List<String> UNNAMED_PERSONAL_DATA = List.of("Philippa Contactperson",
    "philippa.contact@example.net", "Ida Inspector");
  private static final JsonObject REDACTED = new JsonObject().put("firstName", "[erased]").put("lastName", "[erased]")
    .put("email", "[erased]").put("dateOfBirth", "[erased]").put("phone", "[erased]");
  @RegisterExtension
  static final InboxExtension inbox = new InboxExtension();

  @Test
  void erasureRedactsTheOrderAndEveryStoredPayloadAndKeepsHashesAndBusinessFields() {
    String order = "ORD-ERASE-1";
    ingest(CisiveEvents.created("evt-erase-1a", order));
    ingest(CisiveEvents.event("evt-erase-1b", "OrderUpdated", "2026-11-21T10:00:00Z", order, "Completed"));
    List<JsonObject> hashesBefore = hashes(order);

    HttpResponse<Buffer> response = erase(order, inbox.service().token("dpo-erin", "webhooks:admin"), "corr-erase-1");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject data = response.bodyAsJsonObject().getJsonObject("data");
    assertThat(data.getString("externalOrderId")).isEqualTo(order);
    assertThat(data.getString("personalDataErasedAt")).isNotBlank();
    assertThat(data.getJsonArray("candidateFields"))
      .containsExactly("dateOfBirth", "email", "firstName", "lastName", "phone");
    assertThat(data.getJsonObject("redacted")).isEqualTo(new JsonObject().put("order", 1).put("payloads", 2));
    assertNoPersonalData(response.bodyAsString());

    JsonObject stored = inbox.db().one("SELECT candidate::text AS candidate, document::text AS document, status,"
      + " package_code, client_reference, version FROM orders WHERE external_order_id = ?", order);
    assertThat(new JsonObject(stored.getString("candidate"))).isEqualTo(REDACTED);
    JsonObject document = new JsonObject(stored.getString("document"));
    assertThat(document.getJsonObject("candidate")).isEqualTo(REDACTED);
    assertThat(document.getString("status")).isEqualTo("Completed");
    assertThat(document.getJsonArray("services")).hasSize(2);
    assertThat(stored.getString("package_code")).isEqualTo("PKG-STANDARD");
    assertThat(stored.getString("client_reference")).isEqualTo("CLIENT-REF-7");
    for (JsonObject payload : payloads(order)) {
      assertThat(payload.getJsonObject("order").getJsonObject("candidate")).isEqualTo(REDACTED);
      assertThat(payload.getJsonObject("order").getString("externalOrderId")).isEqualTo(order);
      assertThat(payload.getJsonObject("order").getString("packageCode")).isEqualTo("PKG-STANDARD");
    }
    assertThat(hashes(order)).isEqualTo(hashesBefore);
    assertNoPersonalDataStored(order);

    JsonObject view = inbox.service().get("/api/orders/" + order, inbox.service().adminToken()).bodyAsJsonObject()
      .getJsonObject("data");
    assertThat(view.getJsonObject("candidate")).isEqualTo(REDACTED);
    assertThat(view.getString("personalDataErasedAt")).isEqualTo(data.getString("personalDataErasedAt"));

    JsonObject audited = auditEntry("corr-erase-1");
    assertThat(audited.getString("actor")).isEqualTo("dpo-erin");
    assertThat(audited.getString("action")).isEqualTo("personal-data.erase");
    assertThat(audited.getString("target")).isEqualTo(order);
    assertThat(audited.getString("outcome")).isEqualTo("succeeded");
    assertThat(audited.getJsonObject("result").getJsonObject("redacted").getInteger("payloads")).isEqualTo(2);
    assertNoPersonalData(audited.encode());
  }

  @Test
  void personalDataInPropertiesTheSchemaDoesNotNameIsErasedAndStaysErased() {
    String order = "ORD-ERASE-8";
    JsonObject event = withUnnamedPersonalData(CisiveEvents.created("evt-erase-8a", order));
    ingest(event);

    assertThat(erase(order, inbox.service().adminToken(), "corr-erase-8").statusCode()).isEqualTo(200);
    JsonObject document = new JsonObject(inbox.db().one("SELECT document::text AS d FROM orders"
      + " WHERE external_order_id = ?", order).getString("d"));
    assertThat(document.getString("notes")).isEqualTo("[erased]");
    assertThat(document.getJsonArray("services").getJsonObject(0).getString("inspectorName")).isEqualTo("[erased]");
    assertThat(document.getJsonArray("services").getJsonObject(0).getString("code")).isEqualTo("CRIM");
    assertThat(document.getString("clientReference")).isEqualTo("CLIENT-REF-7");
    JsonObject payload = payload("evt-erase-8a");
    assertThat(payload.getString("contactName")).isEqualTo("[erased]");
    assertThat(payload.getJsonObject("order").getString("notes")).isEqualTo("[erased]");
    assertThat(payload.getString("eventId")).isEqualTo("evt-erase-8a");
    assertThat(payload.getString("occurredAt")).isEqualTo("2026-11-20T10:00:00Z");
    assertNoPersonalDataStored(order);

    // A later event carrying the same data, a business change besides: the data stays erased, the change applies.
    JsonObject later = withUnnamedPersonalData(CisiveEvents.event("evt-erase-8b", "OrderUpdated",
      "2026-11-21T10:00:00Z", order, "Completed"));
    later.getJsonObject("order").getJsonArray("services").add(new JsonObject().put("code", "DRUG").put("status", "New"));
    assertThat(ingest(later)).isEqualTo("processed");
    assertThat(inbox.db().one("SELECT status FROM orders WHERE external_order_id = ?", order).getString("status"))
      .isEqualTo("Completed");
    assertThat(payload("evt-erase-8b").getString("contactName")).isEqualTo("[erased]");
    assertNoPersonalDataStored(order);
  }

  /** The event with personal data in properties the schema does not name, at the top, in the order, in a service. */
  private static JsonObject withUnnamedPersonalData(JsonObject event) {
    event.put("contactName", UNNAMED_PERSONAL_DATA.get(0));
    event.getJsonObject("order").put("notes", "call " + UNNAMED_PERSONAL_DATA.get(1));
    event.getJsonObject("order").getJsonArray("services").getJsonObject(0).put("inspectorName",
      UNNAMED_PERSONAL_DATA.get(2));
    return event;
  }

  @Test
  void aSecondErasureChangesNothingAndSaysSo() {
    String order = "ORD-ERASE-2";
    ingest(CisiveEvents.created("evt-erase-2a", order));
    JsonObject first = erase(order, inbox.service().adminToken(), "corr-erase-2a").bodyAsJsonObject().getJsonObject("data");
    HttpResponse<Buffer> again = erase(order, inbox.service().adminToken(), "corr-erase-2b");
    assertThat(again.statusCode()).isEqualTo(200);
    JsonObject second = again.bodyAsJsonObject().getJsonObject("data");
    assertThat(second.getJsonObject("redacted")).isEqualTo(new JsonObject().put("order", 0).put("payloads", 0));
    assertThat(second.getString("personalDataErasedAt")).isEqualTo(first.getString("personalDataErasedAt"));
    assertThat(auditEntry("corr-erase-2b").getString("outcome")).isEqualTo("succeeded");
  }

  @Test
  void unknownOrdersAre404AndOnlyAdminsMayErase() {
    HttpResponse<Buffer> unknown = erase("ORD-ERASE-NONE", inbox.service().adminToken(), "corr-erase-404");
    assertThat(unknown.statusCode()).isEqualTo(404);
    JsonObject refused = auditEntry("corr-erase-404");
    assertThat(refused.getString("outcome")).isEqualTo("refused");
    assertThat(refused.getString("target")).isEqualTo("ORD-ERASE-NONE");
    assertThat(refused.getJsonObject("result").getInteger("httpStatus")).isEqualTo(404);

    ingest(CisiveEvents.created("evt-erase-3a", "ORD-ERASE-3"));
    assertThat(erase("ORD-ERASE-3", null, "corr-erase-401").statusCode()).isEqualTo(401);
    assertThat(erase("ORD-ERASE-3", inbox.service().readToken(), "corr-erase-403").statusCode()).isEqualTo(403);
    assertThat(erase("ORD-ERASE-3", inbox.service().ingestToken(), "corr-erase-403b").statusCode()).isEqualTo(403);
    assertThat(erase("ORD%20BAD", inbox.service().adminToken(), "corr-erase-400").statusCode()).isEqualTo(400);
    String candidate = inbox.db().one("SELECT candidate::text AS c FROM orders WHERE external_order_id = 'ORD-ERASE-3'")
      .getString("c");
    assertThat(candidate).contains(CisiveEvents.LAST_NAME);
  }

  @Test
  void erasedDataDoesNotComeBackWithARedeliveryOrALaterEventCarryingTheSameData() {
    String order = "ORD-ERASE-4";
    JsonObject original = CisiveEvents.created("evt-erase-4a", order);
    ingest(original);
    assertThat(erase(order, inbox.service().adminToken(), "corr-erase-4").statusCode()).isEqualTo(200);

    // The same bytes again: a duplicate, not a conflict with the redacted copy.
    HttpResponse<Buffer> redelivered = inbox.service().postCisive(original);
    assertThat(redelivered.statusCode()).isEqualTo(200);
    assertThat(redelivered.bodyAsJsonObject().getJsonObject("data").getString("status")).isEqualTo("duplicate");

    // A newer event with the erased candidate: its business fields apply, the candidate stays erased.
    assertThat(ingest(CisiveEvents.event("evt-erase-4b", "OrderUpdated", "2026-11-21T10:00:00Z", order, "InProgress")))
      .isEqualTo("processed");
    JsonObject stored = inbox.db().one("SELECT candidate::text AS candidate, status, personal_data_erased_at"
      + " FROM orders WHERE external_order_id = ?", order);
    assertThat(stored.getString("status")).isEqualTo("InProgress");
    assertThat(new JsonObject(stored.getString("candidate"))).isEqualTo(REDACTED);
    assertThat(stored.getValue("personal_data_erased_at")).isNotNull();
    assertThat(payload("evt-erase-4b").getJsonObject("order").getJsonObject("candidate")).isEqualTo(REDACTED);
    assertNoPersonalDataStored(order);

    // New personal data is stored, in the order and in its payload...
    JsonObject moved = CisiveEvents.event("evt-erase-4c", "OrderUpdated", "2026-11-22T10:00:00Z", order, "InProgress");
    moved.getJsonObject("order").getJsonObject("candidate").put("email", "new.address@example.net");
    assertThat(ingest(moved)).isEqualTo("processed");
    assertThat(inbox.db().one("SELECT candidate ->> 'email' AS email FROM orders WHERE external_order_id = ?", order)
      .getString("email")).isEqualTo("new.address@example.net");
    assertThat(payload("evt-erase-4c").getJsonObject("order").getJsonObject("candidate").getString("email"))
      .isEqualTo("new.address@example.net");

    // ...but the candidate erased before stays erased, even after that.
    assertThat(ingest(CisiveEvents.event("evt-erase-4d", "OrderUpdated", "2026-11-23T10:00:00Z", order, "Completed")))
      .isEqualTo("processed");
    assertThat(new JsonObject(inbox.db().one("SELECT candidate::text AS c FROM orders WHERE external_order_id = ?",
      order).getString("c"))).isEqualTo(REDACTED);
    assertThat(payload("evt-erase-4d").getJsonObject("order").getJsonObject("candidate")).isEqualTo(REDACTED);
  }

  @Test
  void anOrderNotCreatedYetIsErasedFromItsPayloadsAndALaterEventDoesNotBringItBack() {
    String order = "ORD-ERASE-7";
    // Its first event failed to apply: stored as failed, no order row, the candidate in the payload.
    String body = CisiveEvents.created("evt-erase-7a", order).encode();
    inbox.db().execute("INSERT INTO webhook_events (source, event_id, event_type, external_id, payload, payload_sha256,"
      + " status, correlation_id, received_at) VALUES ('cisive', 'evt-erase-7a', 'OrderCreated', ?, ?::jsonb, 'x',"
      + " 'failed', 'corr-7', now())", order, body);

    HttpResponse<Buffer> erased = erase(order, inbox.service().adminToken(), "corr-erase-7");
    assertThat(erased.statusCode()).as(erased.bodyAsString()).isEqualTo(200);
    assertThat(erased.bodyAsJsonObject().getJsonObject("data").getJsonObject("redacted"))
      .isEqualTo(new JsonObject().put("order", 0).put("payloads", 1));
    assertThat(payload("evt-erase-7a").getJsonObject("order").getJsonObject("candidate")).isEqualTo(REDACTED);

    // A later event carrying the same personal data creates the order: it is created erased.
    assertThat(ingest(CisiveEvents.event("evt-erase-7b", "OrderUpdated", "2026-11-23T10:00:00Z", order, "Submitted")))
      .isEqualTo("processed");
    assertThat(new JsonObject(inbox.db().one("SELECT candidate::text AS c FROM orders WHERE external_order_id = ?",
      order).getString("c"))).isEqualTo(REDACTED);
    assertNoPersonalDataStored(order);
  }

  @Test
  void replayingAnErasedEventWorksAndBringsNothingBack() {
    String order = "ORD-ERASE-5";
    ingest(CisiveEvents.created("evt-erase-5a", order));
    assertThat(erase(order, inbox.service().adminToken(), "corr-erase-5").statusCode()).isEqualTo(200);
    inbox.db().execute("UPDATE webhook_events SET status = 'dead' WHERE event_id = 'evt-erase-5a'");

    assertThat(inbox.service().postAsAdmin("/api/webhooks/retry/evt-erase-5a").statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> List.of("processed", "stale").contains(inbox.db()
      .one("SELECT status FROM webhook_events WHERE event_id = 'evt-erase-5a'").getString("status")));
    assertThat(new JsonObject(inbox.db().one("SELECT candidate::text AS c FROM orders WHERE external_order_id = ?",
      order).getString("c"))).isEqualTo(REDACTED);
    assertThat(payload("evt-erase-5a").getJsonObject("order").getJsonObject("candidate")).isEqualTo(REDACTED);
    assertNoPersonalDataStored(order);
  }

  @Test
  void personalDataNeverReachesTheLogsOrTheErrorTexts() {
    ingest(CisiveEvents.created("evt-erase-6a", "ORD-ERASE-6"));
    assertThat(erase("ORD-ERASE-6", inbox.service().adminToken(), "corr-erase-6").statusCode()).isEqualTo(200);
    assertThat(inbox.db().count("SELECT count(*) FROM webhook_events WHERE last_error IS NOT NULL")).isZero();
    LogCapture.lines().forEach(PersonalDataErasureTest::assertNoPersonalData);
    assertThat(LogCapture.lines()).anyMatch(line -> line.contains("corr-erase-6"));
  }

  private static String ingest(JsonObject event) {
    HttpResponse<Buffer> response = inbox.service().postCisive(event);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject().getJsonObject("data").getString("status");
  }

  private static HttpResponse<Buffer> erase(String order, String token, String correlationId) {
    TestService service = inbox.service();
    return service.send(service.client().delete("/api/orders/" + order + "/personal-data"), null, token, null,
      Map.of("X-Correlation-ID", correlationId));
  }

  private static List<JsonObject> hashes(String order) {
    return inbox.db().query("SELECT event_id, payload_sha256 FROM webhook_events WHERE external_id = ? ORDER BY event_id",
      order);
  }

  private static List<JsonObject> payloads(String order) {
    return inbox.db().query("SELECT payload::text AS p FROM webhook_events WHERE external_id = ?", order).stream()
      .map(row -> new JsonObject(row.getString("p"))).toList();
  }

  private static JsonObject payload(String eventId) {
    return new JsonObject(inbox.db().one("SELECT payload::text AS p FROM webhook_events WHERE event_id = ?", eventId)
      .getString("p"));
  }

  /** Nothing stored for the order, in any table, holds one of the candidate's values. */
  private static void assertNoPersonalDataStored(String order) {
    List<JsonObject> rows = inbox.db().query("SELECT o::text AS t FROM orders o WHERE external_order_id = ?"
      + " UNION ALL SELECT e::text FROM webhook_events e WHERE external_id = ?"
      + " UNION ALL SELECT a::text FROM webhook_event_attempts a JOIN webhook_events e ON e.id = a.event_row_id"
      + " WHERE e.external_id = ?", order, order, order);
    assertThat(rows).isNotEmpty();
    rows.forEach(row -> assertNoPersonalData(row.getString("t")));
  }

  private static void assertNoPersonalData(String text) {
    PERSONAL_DATA.forEach(value -> assertThat(text).doesNotContain(value));
    UNNAMED_PERSONAL_DATA.forEach(value -> assertThat(text).doesNotContain(value));
  }

  private static JsonObject auditEntry(String correlationId) {
    JsonArray entries = inbox.service().get("/api/webhooks/audit?limit=500", inbox.service().adminToken())
      .bodyAsJsonObject().getJsonObject("data").getJsonArray("entries");
    List<JsonObject> found = entries.stream().map(JsonObject.class::cast)
      .filter(entry -> correlationId.equals(entry.getString("correlationId"))).toList();
    assertThat(found).as("audit entries for %s", correlationId).hasSize(1);
    return found.get(0);
  }
}
