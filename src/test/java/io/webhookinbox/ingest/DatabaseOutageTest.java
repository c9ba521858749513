package io.webhookinbox.ingest;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.SlowStatements;
import io.webhookinbox.support.TcpProxy;
import io.webhookinbox.support.TestDatabase;
import io.webhookinbox.support.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL going away, or being too slow: the sender gets 503 with Retry-After, nothing is acknowledged, and
 * the service recovers by itself. The database sits behind a TCP proxy the test can cut.
 */
@ExtendWith({VertxExtension.class, PostgresExtension.class})
class DatabaseOutageTest {
  private static TestService service;
  private static TestDatabase db;
  private static TcpProxy proxy;

  @BeforeAll
  static void start(Vertx vertx, TestDatabase database) {
    db = database;
    proxy = TcpProxy.start(database.host(), database.port());
    JsonObject config = TestService.config(database, new JsonObject()
      .put("database", new JsonObject().put("host", "127.0.0.1").put("port", proxy.port()).put("connectTimeoutMs", 1000))
      .put("webhooks", new JsonObject().put("timeoutSeconds", 2)));
    service = TestService.start(vertx, config);
  }

  @AfterEach
  void heal() {
    proxy.restore();
  }

  @AfterAll
  static void stop() {
    service.close();
    proxy.close();
  }

  @Test
  void unreachableDatabaseIs503WithRetryAfterAndNothingStored() {
    assertThat(service.postCisive(CisiveEvents.created("evt-warm-1", "ORD-WARM-1")).statusCode()).isEqualTo(200);
    proxy.cut();

    JsonObject event = CisiveEvents.created("evt-outage-1", "ORD-OUTAGE-1");
    HttpResponse<Buffer> response = service.postCisive(event);

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(503);
    assertThat(response.getHeader("Retry-After")).isEqualTo("5");
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getInteger("code")).isEqualTo(5107);
    assertThat(response.bodyAsString()).doesNotContain("Connection").doesNotContain("Exception");
    assertThat(db.count("SELECT count(*) FROM webhook_events WHERE event_id = 'evt-outage-1'")).isZero();

    proxy.restore();
    HttpResponse<Buffer> retried = service.postCisive(event);
    assertThat(retried.statusCode()).isEqualTo(200);
    assertThat(retried.bodyAsJsonObject().getJsonObject("data").getString("status")).isEqualTo("processed");
  }

  @Test
  void slowDatabaseIs503WithTimeoutCodeAndTheRetryIsIdempotent() throws Exception {
    service.postCisive(CisiveEvents.event("evt-slow-0", "OrderCreated", "2026-11-20T09:00:00Z", "ORD-SLOW-1", "Created"));
    JsonObject update = CisiveEvents.event("evt-slow-1", "OrderUpdated", "2026-11-20T10:00:00Z", "ORD-SLOW-1",
      "Completed");
    HttpResponse<Buffer> response;
    try (SlowStatements slow = SlowStatements.onOrders(db)) {
      response = service.postCisive(update);
    }

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.getHeader("Retry-After")).isNotBlank();
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getInteger("code")).isEqualTo(5111);

    // The sender retries: the delivery is applied exactly once, whether the first attempt finished late or not.
    HttpResponse<Buffer> retried = service.postCisive(update);
    assertThat(retried.statusCode()).isEqualTo(200);
    assertThat(retried.bodyAsJsonObject().getJsonObject("data").getString("status")).isIn("processed", "duplicate");
    assertThat(db.one("SELECT status, version FROM orders WHERE external_order_id = 'ORD-SLOW-1'"))
      .isEqualTo(new JsonObject().put("status", "Completed").put("version", 2));
  }
}
