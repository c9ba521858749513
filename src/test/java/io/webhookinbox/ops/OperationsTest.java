package io.webhookinbox.ops;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.TcpProxy;
import io.webhookinbox.support.TestDatabase;
import io.webhookinbox.support.TestService;
import io.webhookinbox.support.StripeEvents;
import io.webhookinbox.support.SlowStatements;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Probes, metrics, limits and the drain gate of a running service (PostgreSQL behind a cuttable proxy). */
@ExtendWith({VertxExtension.class, PostgresExtension.class})
class OperationsTest {
  private static final String STRIPE_SECRET = "whsec_operations_test_0123456789abcdefghij";
  private static TestService service;
  private static TcpProxy proxy;

  @BeforeAll
  static void start(Vertx vertx, TestDatabase database) {
    proxy = TcpProxy.start(database.host(), database.port());
    service = TestService.start(vertx, TestService.config(database, new JsonObject()
      .put("database", new JsonObject().put("host", "127.0.0.1").put("port", proxy.port()).put("connectTimeoutMs", 1000))
      .put("http", new JsonObject().put("maxHeaderBytes", 4096).put("maxUriLength", 1024))
      .put("stripe", new JsonObject().put("webhookSecrets", new JsonArray().add(STRIPE_SECRET)))
      .put("limits", new JsonObject().put("rate", new JsonObject()
        .put("ingest", new JsonObject().put("perSecond", 1).put("burst", 3))
        .put("stripe", new JsonObject().put("perSecond", 1).put("burst", 2))
        .put("admin", new JsonObject().put("perSecond", 1).put("burst", 2))))));
  }

  @AfterAll
  static void stop() {
    service.close();
    proxy.close();
  }

  @Test
  void livenessAndReadinessAreUpWhenAllIsWell() {
    JsonObject live = get("/health/live", 200).bodyAsJsonObject();
    assertThat(live.getString("status")).isEqualTo("UP");
    JsonObject ready = get("/health/ready", 200).bodyAsJsonObject();
    assertThat(ready.getString("status")).isEqualTo("UP");
    assertThat(ready.getJsonArray("checks").encode()).contains("\"database\"").contains("\"schemaVersion\":\"" + io.webhookinbox.db.Migrations.LATEST_VERSION + "\"")
      .contains("\"deployment\"").contains("\"accepting\"");
  }

  @Test
  void readinessDropsWhilePostgresIsAwayAndComesBackByItself() {
    proxy.cut();
    try {
      HttpResponse<Buffer> down = get("/health/ready", 503);
      assertThat(down.bodyAsString()).contains("database unreachable");
      get("/health/live", 200);
    } finally {
      proxy.restore();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> service.get("/health/ready", null).statusCode() == 200);
  }

  @Test
  void aReplicaStartedWhilePostgresIsAwayBecomesReadyAndListensWhenItReturns(Vertx vertx, TestDatabase database) {
    TcpProxy outage = TcpProxy.start(database.host(), database.port());
    outage.cut();
    JsonObject config = TestService.config(database, new JsonObject()
      .put("database", new JsonObject().put("host", "127.0.0.1").put("port", outage.port()).put("connectTimeoutMs", 500)));
    try (TestService late = TestService.start(vertx, config)) {
      get(late, "/health/ready", 503);
      get(late, "/health/live", 200);
      outage.restore();
      await().atMost(Duration.ofSeconds(10)).until(() -> late.get("/health/ready", null).statusCode() == 200);

      // Its LISTEN connection was made late, by retrying: a change made on another replica still arrives.
      HttpResponse<Buffer> put = service.send(service.client().put("/api/webhooks/configuration"),
        new JsonObject().put("timeoutSeconds", 9).toBuffer(), service.adminToken(), "application/json", Map.of());
      assertThat(put.statusCode()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(10)).until(() -> late.server().settings().webhooks().timeoutSeconds() == 9);
    } finally {
      service.send(service.client().delete("/api/webhooks/configuration/overrides"), null, service.adminToken(), null,
        Map.of());
      outage.close();
    }
  }

  @Test
  void metricsExposeOurMetersWithBoundedLabels() {
    service.postCisive(CisiveEvents.created("evt-metrics-1", "ORD-METRICS-1").toBuffer(),
      service.token("metrics-client", "webhooks:ingest"), Map.of());
    service.postCisive(Buffer.buffer("{broken"), service.token("metrics-client-2", "webhooks:ingest"), Map.of());

    String text = get("/metrics", 200).bodyAsString();

    assertThat(text).contains("webhook_events_received_total{outcome=\"processed\",source=\"cisive\",type=\"OrderCreated\"}")
      .contains("webhook_event_processing_seconds_bucket{source=\"cisive\",le=\"+Inf\"}")
      .contains("webhook_event_processing_seconds_count{source=\"cisive\"}")
      .contains("webhook_retry_backlog").contains("vertx_http_server_requests_total")
      .contains("vertx_pool_in_use{pool_name=\"ingest-1\",pool_type=\"sql\"}")
      .contains("vertx_pool_queue_pending{pool_name=\"ingest-1\",pool_type=\"sql\"}");
    // No label value carries an id from a request.
    assertThat(text).doesNotContain("evt-metrics-1").doesNotContain("ORD-METRICS-1").doesNotContain("metrics-client");
    Matcher routes = Pattern.compile("route=\"([^\"]*)\"").matcher(text);
    while (routes.find()) {
      assertThat(routes.group(1)).doesNotContain("evt-").doesNotContain("ORD-");
    }
  }

  @Test
  void aCallerOverItsRateGets429WithRetryAfterWhileOthersAreServed() {
    String greedy = service.token("greedy-sender", "webhooks:ingest");
    List<Integer> statuses = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      statuses.add(service.postCisive(CisiveEvents.created("evt-rate-" + i, "ORD-RATE-" + i).toBuffer(), greedy,
        Map.of()).statusCode());
    }
    assertThat(statuses.subList(0, 3)).containsOnly(200);
    assertThat(statuses.subList(3, 5)).containsOnly(429);

    HttpResponse<Buffer> limited = service.postCisive(CisiveEvents.created("evt-rate-x", "ORD-RATE-X").toBuffer(),
      greedy, Map.of());
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(Integer.parseInt(limited.getHeader("Retry-After"))).isBetween(1, 2);
    assertThat(limited.bodyAsJsonObject().getJsonObject("error").getInteger("code")).isEqualTo(5114);

    assertThat(service.postCisive(CisiveEvents.created("evt-rate-other", "ORD-RATE-OTHER").toBuffer(),
      service.token("other-sender", "webhooks:ingest"), Map.of()).statusCode()).isEqualTo(200);
  }

  @Test
  void pastItsInFlightLimitAReplicaRefusesAtOnceInsteadOfQueueing(Vertx vertx, TestDatabase database)
    throws Exception {
    try (TestService busy = TestService.start(vertx, TestService.config(database, new JsonObject()
      .put("limits", new JsonObject().put("maxInFlight", 1).put("maxInFlightBurst", 1))))) {
      busy.postCisive(CisiveEvents.event("evt-busy-0", "OrderCreated", "2026-11-20T09:00:00Z", "ORD-BUSY", "Created"));
      await().atMost(Duration.ofSeconds(5)).until(() -> busy.server().lifecycle().inFlight() == 0);
      io.vertx.core.Future<HttpResponse<Buffer>> held;
      try (SlowStatements slow = SlowStatements.onOrders(database)) {
        held = busy.client().post(TestService.CISIVE_PATH).putHeader("Authorization", "Bearer " + busy.ingestToken())
          .putHeader("Content-Type", "application/json").sendBuffer(CisiveEvents.event("evt-busy-1", "OrderUpdated",
            "2026-11-20T10:00:00Z", "ORD-BUSY", "Completed").toBuffer());
        await().atMost(Duration.ofSeconds(5)).until(() -> busy.server().lifecycle().inFlight() == 1);

        HttpResponse<Buffer> refused = busy.postCisive(CisiveEvents.created("evt-busy-2", "ORD-BUSY-2"));
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.getHeader("Retry-After")).isEqualTo("1");
        assertThat(refused.bodyAsJsonObject().getJsonObject("error").getInteger("code")).isEqualTo(5121);
        get(busy, "/health/ready", 200);
        slow.release();
      }
      assertThat(held.await().statusCode()).isEqualTo(200);
      // The gate counts a request out when its response is written, which can be just after the client read it.
      await().atMost(Duration.ofSeconds(5)).until(() -> busy.server().lifecycle().inFlight() == 0);
      assertThat(busy.postCisive(CisiveEvents.created("evt-busy-2", "ORD-BUSY-2")).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aReplicaThatAnswersQuicklyWaitsOutAStallPastItsSteadyLimit(Vertx vertx, TestDatabase database)
    throws Exception {
    // Every answer counts as quick here, so the test shows the limit at work through HTTP; InFlightLimitTest shows
    // the verdict on slow answers.
    try (TestService quick = TestService.start(vertx, TestService.config(database, new JsonObject()
      .put("limits", new JsonObject().put("maxInFlight", 1).put("maxInFlightBurst", 3)
        .put("quickAnswerMs", 60_000))))) {
      Lifecycle lifecycle = quick.server().lifecycle();
      assertThat(lifecycle.inFlightLimit()).as("no answer yet: the steady limit").isEqualTo(1);
      int[] sent = {0};
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        assertThat(quick.postCisive(CisiveEvents.created("evt-quick-" + sent[0], "ORD-QUICK-" + sent[0]++)).statusCode())
          .isEqualTo(200);
        return lifecycle.inFlightLimit() == 3;
      });

      List<io.vertx.core.Future<HttpResponse<Buffer>>> held;
      try (SlowStatements slow = SlowStatements.onOrders(database)) {
        held = quick.sendCisiveAtOnce(List.of(CisiveEvents.created("evt-stalled-1", "ORD-STALLED-1"),
          CisiveEvents.created("evt-stalled-2", "ORD-STALLED-2"),
          CisiveEvents.created("evt-stalled-3", "ORD-STALLED-3")));
        await().atMost(Duration.ofSeconds(5)).until(() -> lifecycle.working() == 3);
        assertThat(lifecycle.takenPastSteadyLimit()).isEqualTo(2);

        HttpResponse<Buffer> refused = quick.postCisive(CisiveEvents.created("evt-stalled-4", "ORD-STALLED-4"));
        assertThat(refused.statusCode()).as("past the burst").isEqualTo(503);
        assertThat(refused.bodyAsJsonObject().getJsonObject("error").getInteger("code")).isEqualTo(5121);
        slow.release();
      }
      for (io.vertx.core.Future<HttpResponse<Buffer>> answer : held) {
        assertThat(answer.await().statusCode()).isEqualTo(200);
      }
      assertThat(database.count("SELECT count(*) FROM webhook_events WHERE event_id LIKE 'evt-stalled-%'"))
        .isEqualTo(3);
      assertThat(get(quick, "/metrics", 200).bodyAsString()).contains("webhook_in_flight_limit ")
        .contains("webhook_in_flight_burst_requests_total 2.0");
    }
  }

  @Test
  void verifiedStripeDeliveriesAreLimitedPerClientIpAndOperatorsPerToken() throws Exception {
    List<Integer> stripe = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String body = StripeEvents.paymentIntent("evt_ops_limit_" + i, "payment_intent.succeeded", "pi_ops_limit_" + i,
        "succeeded", Instant.now().getEpochSecond()).encode();
      stripe.add(service.send(service.client().post("/api/webhooks/events"), Buffer.buffer(body), null,
        "application/json", Map.of("Stripe-Signature", com.stripe.net.Webhook.Signature.generateSignatureHeader(body,
          STRIPE_SECRET, Instant.now().getEpochSecond()))).statusCode());
    }
    assertThat(stripe).containsExactly(200, 200, 429);

    String operator = service.token("busy-operator", "webhooks:read");
    List<Integer> admin = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      admin.add(service.get("/api/webhooks/configuration", operator).statusCode());
    }
    assertThat(admin).containsExactly(200, 200, 429);
    assertThat(service.get("/api/webhooks/configuration", service.token("other-operator", "webhooks:read"))
      .statusCode()).isEqualTo(200);
  }

  @Test
  void readinessIsDownWhenTheSchemaIsOlderThanThisBuild(Vertx vertx) {
    TestDatabase outdated = io.webhookinbox.support.PostgresExtension.createDatabase("outdated_schema");
    outdated.execute("DELETE FROM flyway_schema_history WHERE version = ?", io.webhookinbox.db.Migrations.LATEST_VERSION);
    try (TestService old = TestService.start(vertx, outdated)) {
      assertThat(get(old, "/health/ready", 503).bodyAsString()).contains("migrations not applied");
    } finally {
      io.webhookinbox.support.PostgresExtension.dropDatabase(outdated);
    }
  }

  @Test
  void oversizedHeadersAndUrisAreRefused() throws IOException {
    for (int port : new int[] {service.port(), service.managementPort()}) {
      assertThat(statusLine(port, "GET /health/live HTTP/1.1\r\nHost: x\r\nX-Padding: " + "x".repeat(8192)
        + "\r\n\r\n")).contains(" 431 ");
      assertThat(statusLine(port, "GET /api/" + "a".repeat(2048) + " HTTP/1.1\r\nHost: x\r\n\r\n")).contains(" 414 ");
    }
    assertThat(statusLine(service.managementPort(), "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n")).contains(" 200 ");
  }

  /** The status line the server answers a raw request with (the Vert.x client gives up on a closed socket). */
  private static String statusLine(int port, String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }
  }

  @Test
  void drainingRefusesNewRequestsAndDropsReadinessButStaysLive(Vertx vertx, TestDatabase database) {
    try (TestService draining = TestService.start(vertx, database)) {
      draining.server().lifecycle().beginDrain();

      HttpResponse<Buffer> refused = draining.postCisive(CisiveEvents.created("evt-drain-1", "ORD-DRAIN-1"));
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.bodyAsJsonObject().getJsonObject("error").getInteger("code")).isEqualTo(5119);
      assertThat(refused.getHeader("Retry-After")).isEqualTo("1");
      assertThat(refused.getHeader("Connection")).isEqualTo("close");
      assertThat(get(draining, "/health/ready", 503).bodyAsString()).contains("shutting down");
      get(draining, "/health/live", 200);
    }
  }

  private static HttpResponse<Buffer> get(String path, int status) {
    return get(service, path, status);
  }

  private static HttpResponse<Buffer> get(TestService service, String path, int status) {
    HttpResponse<Buffer> response = service.get(path, null);
    assertThat(response.statusCode()).as(path + " " + response.bodyAsString()).isEqualTo(status);
    return response;
  }
}
