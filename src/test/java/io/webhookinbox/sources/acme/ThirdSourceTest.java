package io.webhookinbox.sources.acme;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.webhookinbox.Sources;
import io.webhookinbox.db.Migrations;
import io.webhookinbox.source.Source;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.TestDatabase;
import io.webhookinbox.support.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Adding a sender is a folder and a line in the composition root's list: this test's sender lives in
 * {@code sources/acme} of the test code (descriptor, endpoint, applier, resource view, schema, migration), is added
 * to the shipped list here, and is received end to end through real HTTP into PostgreSQL, with no other file
 * knowing it.
 */
class ThirdSourceTest {
  private static final String PATH = "/api/webhooks/acme/tickets";
  private static TestDatabase db;
  private static Vertx clientVertx;
  private static TestService service;

  @BeforeAll
  static void start() {
    db = PostgresExtension.createDatabase("acme");
    List<Source> sources = new ArrayList<>(Sources.ALL);
    sources.add(new AcmeSource());
    Migrations.migrate(Sources.config(TestService.config(db, new JsonObject())).database(),
      Sources.migrations(sources));
    clientVertx = Vertx.vertx();
    service = TestService.startWith(clientVertx, TestService.config(db, new JsonObject()
      .put("acme", new JsonObject().put("minPriority", 2))), sources);
  }

  @AfterAll
  static void stop() {
    service.close();
    clientVertx.close().await();
    PostgresExtension.dropDatabase(db);
  }

  @Test
  void aDeliveryIsStoredOnceAppliedToItsOwnTableAndAnsweredInTheCommonShape() {
    HttpResponse<Buffer> accepted = post(ticket("acme-1", "TicketOpened", "T-1", 5, "2026-11-20T10:00:00Z"));
    assertThat(accepted.statusCode()).isEqualTo(200);
    JsonObject data = accepted.bodyAsJsonObject().getJsonObject("data");
    assertThat(data.getString("status")).isEqualTo("processed");
    assertThat(data.getString("ticketId")).isEqualTo("T-1");
    assertThat(data.getInteger("ticketVersion")).isEqualTo(1);

    JsonObject stored = db.one("SELECT source, event_type, external_id, status FROM webhook_events"
      + " WHERE event_id = 'acme-1'");
    assertThat(stored.getString("source")).isEqualTo("acme");
    assertThat(stored.getString("external_id")).isEqualTo("T-1");
    assertThat(stored.getString("status")).isEqualTo("processed");
    assertThat(db.one("SELECT status, priority FROM acme_tickets WHERE ticket_id = 'T-1'").getInteger("priority"))
      .isEqualTo(5);

    HttpResponse<Buffer> again = post(ticket("acme-1", "TicketOpened", "T-1", 5, "2026-11-20T10:00:00Z"));
    assertThat(again.bodyAsJsonObject().getJsonObject("data").getString("status")).isEqualTo("duplicate");
    assertThat(db.count("SELECT count(*) FROM webhook_events WHERE event_id = 'acme-1'")).isEqualTo(1);
  }

  @Test
  void newestWinsAndAnOlderEventIsStale() {
    assertThat(status(post(ticket("acme-2", "TicketClosed", "T-2", 3, "2026-11-20T12:00:00Z")))).isEqualTo("processed");
    assertThat(status(post(ticket("acme-3", "TicketOpened", "T-2", 3, "2026-11-20T11:00:00Z")))).isEqualTo("stale");
    assertThat(db.one("SELECT status FROM acme_tickets WHERE ticket_id = 'T-2'").getString("status"))
      .isEqualTo("closed");
  }

  @Test
  void itsSchemaAndItsOwnSettingRefuseBadInputNamingTheField() {
    HttpResponse<Buffer> badType = post(ticket("acme-4", "TicketLost", "T-4", 5, "2026-11-20T10:00:00Z"));
    assertThat(badType.statusCode()).isEqualTo(400);
    assertThat(badType.bodyAsString()).contains("/type");
    HttpResponse<Buffer> lowPriority = post(ticket("acme-5", "TicketOpened", "T-5", 1, "2026-11-20T10:00:00Z"));
    assertThat(lowPriority.statusCode()).isEqualTo(400);
    assertThat(lowPriority.bodyAsJsonObject().getJsonObject("error").getJsonArray("fieldErrors").getJsonObject(0)
      .getString("field")).isEqualTo("/ticket/priority");
    assertThat(db.count("SELECT count(*) FROM webhook_events WHERE event_id IN ('acme-4', 'acme-5')")).isZero();
  }

  @Test
  void operatorsReadItsResourceAndFindItsEventsByItsIdField() {
    post(ticket("acme-6", "TicketOpened", "T-6", 4, "2026-11-20T10:00:00Z"));
    JsonObject resource = service.get("/api/acme/tickets/T-6", service.readToken()).bodyAsJsonObject()
      .getJsonObject("data");
    assertThat(resource.getString("status")).isEqualTo("open");
    assertThat(resource.getJsonArray("events").getJsonObject(0).getString("eventId")).isEqualTo("acme-6");

    JsonObject event = service.get("/api/webhooks/events/acme-6", service.readToken()).bodyAsJsonObject()
      .getJsonObject("data");
    assertThat(event.getString("source")).isEqualTo("acme");
    assertThat(event.getString("ticketId")).isEqualTo("T-6");
    JsonObject listing = service.get("/api/webhooks/events?ticketId=T-6&source=acme", service.readToken())
      .bodyAsJsonObject().getJsonObject("data");
    assertThat(listing.getInteger("count")).isEqualTo(1);
    assertThat(service.get("/api/acme/tickets/T-none", service.readToken()).statusCode()).isEqualTo(404);

    assertThat(service.get("/metrics", null).bodyAsString())
      .contains("webhook_events_received_total{outcome=\"processed\",source=\"acme\",type=\"TicketOpened\"}");
  }

  @Test
  void itsMigrationsKeepAHistoryOfTheirOwn() {
    assertThat(db.count("SELECT count(*) FROM flyway_history_acme WHERE success AND version = '1'")).isEqualTo(1);
    Migrations.migrate(service.server().config().database(), Map.of("acme", "db/sources/acme"));
    assertThat(db.count("SELECT count(*) FROM flyway_history_acme WHERE version = '1'")).as("applied once")
      .isEqualTo(1);
  }

  private static String status(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonObject("data").getString("status");
  }

  private static HttpResponse<Buffer> post(JsonObject event) {
    return service.send(service.client().post(PATH), event.toBuffer(), service.ingestToken(), "application/json",
      Map.of());
  }

  private static JsonObject ticket(String id, String type, String ticketId, int priority, String at) {
    return new JsonObject().put("id", id).put("type", type).put("at", at)
      .put("ticket", new JsonObject().put("ticketId", ticketId).put("priority", priority).put("title", "Printer"));
  }
}
