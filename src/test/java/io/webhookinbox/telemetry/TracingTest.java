package io.webhookinbox.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.webhookinbox.Sources;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.FaultInjection;
import io.webhookinbox.support.LogCapture;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.TestDatabase;
import io.webhookinbox.support.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Traces through real HTTP and PostgreSQL, exported to the SDK's in-memory exporter: a sender's trace continued to
 * the commit, the group commit linked both ways with its deliveries, PostgreSQL spans, a retry's own trace linked to
 * its delivery, trace ids in logs, event details and exemplars, and nothing personal in any span.
 */
@ExtendWith(PostgresExtension.class)
class TracingTest {
  private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
  private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
  private static TestDatabase db;
  private static FaultInjection faults;
  private static Vertx clientVertx;
  private static TestService service;

  @BeforeAll
  static void start(TestDatabase database) {
    db = database;
    faults = FaultInjection.install(db);
    clientVertx = Vertx.vertx();
    service = TestService.startTraced(clientVertx, TestService.config(db, new JsonObject()
      .put("retry", new JsonObject().put("initialDelayMs", 200).put("jitter", 0.0))
      .put("scheduler", new JsonObject().put("pollIntervalMs", 300))), Tracing.exportingTo(SPANS));
  }

  @AfterAll
  static void stop() {
    service.close();
    clientVertx.close().await();
  }

  @Test
  void aSendersTraceIsContinuedThroughTheGroupCommitToPostgres() {
    String traceId = hex(32);
    String parentId = hex(16);
    HttpResponse<Buffer> accepted = service.postCisive(CisiveEvents.created("evt-trace-1", "ORD-TRACE-1").toBuffer(),
      service.ingestToken(), Map.of("traceparent", "00-" + traceId + "-" + parentId + "-01"));
    assertThat(accepted.statusCode()).isEqualTo(200);

    SpanData server = await().atMost(Duration.ofSeconds(10)).until(() -> SPANS.getFinishedSpanItems().stream()
      .filter(span -> span.getTraceId().equals(traceId) && span.getParentSpanId().equals(parentId))
      .findFirst(), found -> found.isPresent()).orElseThrow();
    assertThat(server.getName()).isEqualTo("POST /api/webhooks/cisive/orders");
    assertThat(server.getAttributes().get(ROUTE)).isEqualTo("/api/webhooks/cisive/orders");
    assertThat(server.getEvents()).extracting(event -> event.getName()).contains("schema validated");

    SpanData batch = await().atMost(Duration.ofSeconds(10)).until(() -> SPANS.getFinishedSpanItems().stream()
      .filter(span -> span.getName().equals("group commit") && linksTo(span, traceId)).findFirst(),
      found -> found.isPresent()).orElseThrow();
    assertThat(batch.getTraceId()).as("the batch is a trace of its own").isNotEqualTo(traceId);
    List<SpanData> statements = SPANS.getFinishedSpanItems().stream()
      .filter(span -> span.getTraceId().equals(batch.getTraceId()) && span.getName().startsWith("postgresql "))
      .toList();
    assertThat(statements).isNotEmpty().allSatisfy(statement -> {
      assertThat(statement.getParentSpanId()).isEqualTo(batch.getSpanId());
      assertThat(statement.getAttributes().get(AttributeKey.stringKey("db.system"))).isEqualTo("postgresql");
    });
    assertThat(SPANS.getFinishedSpanItems()).as("the delivery's own span links back to the batch")
      .anyMatch(span -> span.getTraceId().equals(traceId) && linksTo(span, batch.getTraceId()));

    // The trace is kept with the event, shown to operators and put on every log line the delivery caused.
    assertThat(db.one("SELECT trace_parent FROM webhook_events WHERE event_id = 'evt-trace-1'")
      .getString("trace_parent")).contains(traceId);
    JsonObject detail = service.get("/api/webhooks/events/evt-trace-1", service.readToken()).bodyAsJsonObject()
      .getJsonObject("data");
    assertThat(detail.getJsonObject("inbox").getString("traceId")).isEqualTo(traceId);
    assertThat(LogCapture.json()).filteredOn(line -> "evt-trace-1".equals(line.getString("eventId")))
      .isNotEmpty().allSatisfy(line -> assertThat(line.getString("trace_id")).isEqualTo(traceId));
  }

  @Test
  void withoutATraceparentATraceStartsAtTheRequestAndExemplarsCarryIt() {
    assertThat(service.postCisive(CisiveEvents.created("evt-trace-2", "ORD-TRACE-2")).statusCode()).isEqualTo(200);
    String stored = db.one("SELECT trace_parent FROM webhook_events WHERE event_id = 'evt-trace-2'")
      .getString("trace_parent");
    assertThat(stored).as("a trace of its own").isNotNull();
    String traceId = Tracing.traceIdOf(stored);
    String openMetrics = service.send(service.client().get(service.managementPort(), "127.0.0.1", "/metrics")
      .putHeader("Accept", "application/openmetrics-text; version=1.0.0"), null, null, null, Map.of()).bodyAsString();
    assertThat(openMetrics).contains("# EOF").containsPattern(
      "webhook_event_processing_seconds_bucket\\{[^}]*\\} \\d+ # \\{[^}]*trace_id=\"[0-9a-f]{32}\"");
    assertThat(traceId).hasSize(32);
  }

  @Test
  void aRetryStartsItsOwnTraceLinkedToTheDelivery() {
    faults.failOrder("ORD-TRACE-3");
    String traceId = hex(32);
    HttpResponse<Buffer> queued = service.postCisive(CisiveEvents.created("evt-trace-3", "ORD-TRACE-3").toBuffer(),
      service.ingestToken(), Map.of("traceparent", "00-" + traceId + "-" + hex(16) + "-01"));
    assertThat(queued.statusCode()).isEqualTo(202);
    faults.heal("ORD-TRACE-3");

    SpanData attempt = await().atMost(Duration.ofSeconds(20)).until(() -> SPANS.getFinishedSpanItems().stream()
      .filter(span -> span.getName().equals("attempt") && linksTo(span, traceId)).findFirst(),
      found -> found.isPresent()).orElseThrow();
    assertThat(attempt.getTraceId()).isNotEqualTo(traceId);
    assertThat(attempt.getAttributes().get(AttributeKey.stringKey("webhook.outcome"))).isEqualTo("processed");
    assertThat(SPANS.getFinishedSpanItems()).as("the attempt's statements are its children")
      .anyMatch(span -> span.getParentSpanId().equals(attempt.getSpanId()) && span.getName().startsWith("postgresql"));
  }

  @Test
  void noSpanCarriesPersonalDataOrAQueryString() {
    service.postCisive(CisiveEvents.created("evt-trace-4", "ORD-TRACE-4"));
    service.get("/api/webhooks/events?externalOrderId=ORD-TRACE-4", service.adminToken());
    service.get("/api/orders/ORD-TRACE-4", service.adminToken());
    await().atMost(Duration.ofSeconds(10)).until(() -> SPANS.getFinishedSpanItems().stream()
      .anyMatch(span -> "/api/orders/:externalOrderId".equals(span.getAttributes().get(ROUTE))));
    List<String> personal = List.of(CisiveEvents.FIRST_NAME, CisiveEvents.LAST_NAME, CisiveEvents.EMAIL,
      CisiveEvents.DATE_OF_BIRTH, CisiveEvents.PHONE, "externalOrderId=", "ORD-TRACE-4");
    for (SpanData span : SPANS.getFinishedSpanItems()) {
      String everything = span.getName() + span.getAttributes() + span.getEvents() + span.getLinks();
      for (String value : personal) {
        assertThat(everything).as("span %s", span.getName()).doesNotContain(value);
      }
    }
  }

  @Test
  void tracingIsOffUntilAnEndpointIsConfigured() {
    JsonObject config = TestService.config(db, new JsonObject());
    assertThat(Sources.config(config).tracing().enabled()).isFalse();
    JsonObject withEnv = Sources.registry(Sources.ALL).applyEnvironment(config.copy()
      .put("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"));
    assertThat(Sources.config(withEnv).tracing().enabled()).isTrue();
    assertThat(Sources.config(withEnv).tracing().properties())
      .containsEntry("otel.exporter.otlp.endpoint", "http://127.0.0.1:4318")
      .containsEntry("otel.metrics.exporter", "none").containsEntry("otel.logs.exporter", "none");
  }

  private static boolean linksTo(SpanData span, String traceId) {
    return span.getLinks().stream().map(LinkData::getSpanContext).anyMatch(link -> link.getTraceId().equals(traceId));
  }

  private static String hex(int length) {
    StringBuilder hex = new StringBuilder();
    while (hex.length() < length) {
      hex.append(Integer.toHexString(ThreadLocalRandom.current().nextInt(16)));
    }
    return hex.toString();
  }
}
