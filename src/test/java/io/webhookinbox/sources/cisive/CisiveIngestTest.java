package io.webhookinbox.sources.cisive;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.InboxExtension;
import io.webhookinbox.support.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.OffsetDateTime;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The happy path and its idempotency rules, through real HTTP into a real database. */
@ExtendWith(PostgresExtension.class)
class CisiveIngestTest {
  @RegisterExtension
  static final InboxExtension inbox = new InboxExtension();

  @Test
  void newOrderIsStoredOnceWithAuditFieldsAndAnswered200() {
    JsonObject event = CisiveEvents.created("evt-new-1", "ORD-NEW-1");
    event.getJsonObject("order").put("vendorExtra", new JsonObject().put("kept", true));

    HttpResponse<Buffer> response = inbox.service().postCisive(event.toBuffer(), inbox.service().token("cisive-prod", "webhooks:ingest"),
      Map.of("X-Correlation-ID", "corr-new-1"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("X-Correlation-ID")).isEqualTo("corr-new-1");
    assertThat(response.getHeader("Content-Type")).startsWith("application/json");
    JsonObject data = response.bodyAsJsonObject().getJsonObject("data");
    assertThat(response.bodyAsJsonObject().getBoolean("success")).isTrue();
    assertThat(data.getString("eventId")).isEqualTo("evt-new-1");
    assertThat(data.getString("status")).isEqualTo("processed");
    assertThat(data.getString("externalOrderId")).isEqualTo("ORD-NEW-1");
    assertThat(data.getInteger("orderVersion")).isEqualTo(1);
    assertThat(data.getString("correlationId")).isEqualTo("corr-new-1");

    JsonObject stored = inbox.db().one("SELECT source, event_type, external_id, status, attempts, correlation_id, principal,"
      + " payload_sha256, payload->'order'->'vendorExtra'->>'kept' AS extra, processed_at IS NOT NULL AS processed,"
      + " processing_ms, resource_version, schema_version FROM webhook_events WHERE event_id = 'evt-new-1'");
    assertThat(stored.getString("source")).isEqualTo("cisive");
    assertThat(stored.getString("event_type")).isEqualTo("OrderCreated");
    assertThat(stored.getString("external_id")).isEqualTo("ORD-NEW-1");
    assertThat(stored.getString("status")).isEqualTo("processed");
    assertThat(stored.getInteger("attempts")).isEqualTo(1);
    assertThat(stored.getString("correlation_id")).isEqualTo("corr-new-1");
    assertThat(stored.getString("principal")).isEqualTo("cisive-prod");
    assertThat(stored.getString("payload_sha256")).isEqualTo(io.webhookinbox.events.Payloads.sha256Hex(event.toBuffer().getBytes()));
    assertThat(stored.getString("extra")).isEqualTo("true");
    assertThat(stored.getBoolean("processed")).isTrue();
    assertThat(stored.getInteger("processing_ms")).isNotNull().isGreaterThanOrEqualTo(0);
    assertThat(stored.getInteger("resource_version")).isEqualTo(1);
    assertThat(stored.getString("schema_version")).isEqualTo("1.0");

    JsonObject order = inbox.db().one("SELECT status, package_code, client_reference, candidate->>'lastName' AS last_name,"
      + " document->'vendorExtra'->>'kept' AS extra, last_event_id, version, source_system, created_by, updated_by,"
      + " created_correlation_id, updated_correlation_id, created_on = updated_on AS same_time"
      + " FROM orders WHERE external_order_id = 'ORD-NEW-1'");
    assertThat(order.getString("status")).isEqualTo("Created");
    assertThat(order.getString("package_code")).isEqualTo("PKG-STANDARD");
    assertThat(order.getString("client_reference")).isEqualTo("CLIENT-REF-7");
    assertThat(order.getString("last_name")).isEqualTo(CisiveEvents.LAST_NAME);
    assertThat(order.getString("extra")).isEqualTo("true");
    assertThat(order.getString("last_event_id")).isEqualTo("evt-new-1");
    assertThat(order.getInteger("version")).isEqualTo(1);
    assertThat(order.getString("source_system")).isEqualTo("Cisive");
    assertThat(order.getString("created_by")).isEqualTo("cisive-prod");
    assertThat(order.getString("updated_by")).isEqualTo("cisive-prod");
    assertThat(order.getString("created_correlation_id")).isEqualTo("corr-new-1");
    assertThat(order.getString("updated_correlation_id")).isEqualTo("corr-new-1");
    assertThat(order.getBoolean("same_time")).isTrue();
  }

  @Test
  void replayIsDuplicateAndChangesNothing() {
    JsonObject event = CisiveEvents.created("evt-dup-1", "ORD-DUP-1");
    assertThat(inbox.service().postCisive(event).bodyAsJsonObject().getJsonObject("data").getString("status"))
      .isEqualTo("processed");
    JsonObject before = inbox.db().one("SELECT version, updated_on::text AS updated_on FROM orders WHERE external_order_id = 'ORD-DUP-1'");

    // Same event, re-serialised with different key order and whitespace: still the same payload.
    Buffer reformatted = Buffer.buffer(new JsonObject(event.encode()).encodePrettily());
    HttpResponse<Buffer> replay = inbox.service().postCisive(reformatted, inbox.service().ingestToken(), Map.of());

    assertThat(replay.statusCode()).isEqualTo(200);
    JsonObject data = replay.bodyAsJsonObject().getJsonObject("data");
    assertThat(data.getString("status")).isEqualTo("duplicate");
    assertThat(data.getInteger("orderVersion")).isEqualTo(1);
    assertThat(inbox.db().count("SELECT count(*) FROM webhook_events WHERE event_id = 'evt-dup-1'")).isEqualTo(1);
    assertThat(inbox.db().one("SELECT version, updated_on::text AS updated_on FROM orders WHERE external_order_id = 'ORD-DUP-1'"))
      .isEqualTo(before);
  }

  @Test
  void sameEventIdWithDifferentPayloadIs409AndNotApplied() {
    inbox.service().postCisive(CisiveEvents.created("evt-conflict-1", "ORD-CONFLICT-1"));
    JsonObject changed = CisiveEvents.created("evt-conflict-1", "ORD-CONFLICT-1");
    changed.getJsonObject("order").put("status", "Cancelled");

    HttpResponse<Buffer> response = inbox.service().postCisive(changed);

    assertThat(response.statusCode()).isEqualTo(409);
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getInteger("code")).isEqualTo(5104);
    assertThat(error.getJsonArray("fieldErrors").getJsonObject(0).getString("field")).isEqualTo("/eventId");
    assertThat(inbox.db().one("SELECT status, version FROM orders WHERE external_order_id = 'ORD-CONFLICT-1'"))
      .isEqualTo(new JsonObject().put("status", "Created").put("version", 1));
  }

  @Test
  void updateBumpsVersionAndKeepsCreatorWhileRecordingUpdater() {
    inbox.service().postCisive(CisiveEvents.event("evt-upd-1", "OrderCreated", "2026-11-20T10:00:00Z", "ORD-UPD-1", "Created"),
      "creator-client", "corr-upd-1");
    HttpResponse<Buffer> update = inbox.service().postCisive(
      CisiveEvents.event("evt-upd-2", "OrderUpdated", "2026-11-20T11:00:00Z", "ORD-UPD-1", "InProgress"),
      "updater-client", "corr-upd-2");

    assertThat(update.statusCode()).isEqualTo(200);
    assertThat(update.bodyAsJsonObject().getJsonObject("data").getInteger("orderVersion")).isEqualTo(2);
    JsonObject order = inbox.db().one("SELECT status, version, created_by, updated_by, created_correlation_id,"
      + " updated_correlation_id, updated_on > created_on AS later, last_event_id FROM orders"
      + " WHERE external_order_id = 'ORD-UPD-1'");
    assertThat(order.getString("status")).isEqualTo("InProgress");
    assertThat(order.getInteger("version")).isEqualTo(2);
    assertThat(order.getString("created_by")).isEqualTo("creator-client");
    assertThat(order.getString("updated_by")).isEqualTo("updater-client");
    assertThat(order.getString("created_correlation_id")).isEqualTo("corr-upd-1");
    assertThat(order.getString("updated_correlation_id")).isEqualTo("corr-upd-2");
    assertThat(order.getBoolean("later")).isTrue();
    assertThat(order.getString("last_event_id")).isEqualTo("evt-upd-2");
  }

  @Test
  void orderUpdatedForUnknownOrderCreatesIt() {
    HttpResponse<Buffer> response = inbox.service().postCisive(
      CisiveEvents.event("evt-unknown-1", "OrderUpdated", "2026-11-20T10:00:00Z", "ORD-UNKNOWN-1", "Submitted"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getJsonObject("data").getString("status")).isEqualTo("processed");
    assertThat(inbox.db().one("SELECT status, version FROM orders WHERE external_order_id = 'ORD-UNKNOWN-1'"))
      .isEqualTo(new JsonObject().put("status", "Submitted").put("version", 1));
  }

  @Test
  void olderEventsNeverRollBackWhateverOffsetsTheyUse() {
    // Three instants: 10:00Z < 10:15Z < 10:30Z, written with different offsets so string order misleads.
    JsonObject at1000 = CisiveEvents.event("evt-ooo-a", "OrderCreated", "2026-11-20T05:00:00-05:00", "ORD-OOO-1", "Created");
    JsonObject at1015 = CisiveEvents.event("evt-ooo-b", "OrderUpdated", "2026-11-20T15:45:00+05:30", "ORD-OOO-1", "Submitted");
    JsonObject at1030 = CisiveEvents.event("evt-ooo-c", "OrderUpdated", "2026-11-20T10:30:00.000z", "ORD-OOO-1", "InProgress");

    assertThat(statusOf(inbox.service().postCisive(at1030))).isEqualTo("processed");
    assertThat(statusOf(inbox.service().postCisive(at1000))).isEqualTo("stale");
    HttpResponse<Buffer> middle = inbox.service().postCisive(at1015);
    assertThat(statusOf(middle)).isEqualTo("stale");
    assertThat(middle.bodyAsJsonObject().getJsonObject("data").getInteger("orderVersion")).isEqualTo(1);

    JsonObject order = inbox.db().one("SELECT status, version, last_event_id, last_event_occurred_at FROM orders"
      + " WHERE external_order_id = 'ORD-OOO-1'");
    assertThat(order.getString("status")).isEqualTo("InProgress");
    assertThat(order.getInteger("version")).isEqualTo(1);
    assertThat(order.getString("last_event_id")).isEqualTo("evt-ooo-c");
    assertThat(inbox.db().query("SELECT event_id, status FROM webhook_events WHERE external_id = 'ORD-OOO-1' ORDER BY event_id"))
      .containsExactly(
        new JsonObject().put("event_id", "evt-ooo-a").put("status", "stale"),
        new JsonObject().put("event_id", "evt-ooo-b").put("status", "stale"),
        new JsonObject().put("event_id", "evt-ooo-c").put("status", "processed"));
    assertThat(OffsetDateTime.parse(inbox.db().one("SELECT to_json(last_event_occurred_at)#>>'{}' AS t FROM orders"
      + " WHERE external_order_id = 'ORD-OOO-1'").getString("t")).toInstant())
      .isEqualTo(OffsetDateTime.parse("2026-11-20T10:30:00Z").toInstant());
  }

  @Test
  void inOrderEventsEachApplyOnce() {
    String[] statuses = {"Created", "Submitted", "InProgress", "OnHold", "Completed"};
    for (int i = 0; i < statuses.length; i++) {
      HttpResponse<Buffer> response = inbox.service().postCisive(CisiveEvents.event("evt-seq-" + i, i == 0 ? "OrderCreated"
        : "OrderUpdated", "2026-11-20T1" + i + ":00:00+00:00", "ORD-SEQ-1", statuses[i]));
      assertThat(response.bodyAsJsonObject().getJsonObject("data").getInteger("orderVersion")).isEqualTo(i + 1);
    }
    assertThat(inbox.db().one("SELECT status, version FROM orders WHERE external_order_id = 'ORD-SEQ-1'"))
      .isEqualTo(new JsonObject().put("status", "Completed").put("version", 5));
  }

  @Test
  void insaneCorrelationIdIsReplacedByUuid() {
    HttpResponse<Buffer> response = inbox.service().postCisive(CisiveEvents.created("evt-corr-1", "ORD-CORR-1").toBuffer(),
      inbox.service().ingestToken(), Map.of("X-Correlation-ID", "bad id with spaces <script>"));

    String correlationId = response.getHeader("X-Correlation-ID");
    assertThat(correlationId).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    assertThat(response.bodyAsJsonObject().getJsonObject("data").getString("correlationId")).isEqualTo(correlationId);
    assertThat(inbox.db().one("SELECT correlation_id FROM webhook_events WHERE event_id = 'evt-corr-1'").getString("correlation_id"))
      .isEqualTo(correlationId);
  }

  private static String statusOf(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).isEqualTo(200);
    return response.bodyAsJsonObject().getJsonObject("data").getString("status");
  }
}
