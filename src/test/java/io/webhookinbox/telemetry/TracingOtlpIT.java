package io.webhookinbox.telemetry;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.FaultInjection;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.ProcessClient;
import io.webhookinbox.support.ServiceProcess;
import io.webhookinbox.support.TestDatabase;
import io.webhookinbox.support.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged service exports its spans over OTLP/HTTP (protobuf) to a receiver this test runs, configured by the
 * standard environment variables alone: the sender's trace continued, the group commit linked to it, PostgreSQL
 * spans, a retry's own trace linked to the delivery, and nothing from the probes.
 */
@ExtendWith(PostgresExtension.class)
class TracingOtlpIT {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void spansReachACollectorOverOtlp(TestDatabase db, @TempDir Path dir) throws Exception {
    FaultInjection faults = FaultInjection.install(db);
    List<Span> received = new CopyOnWriteArrayList<>();
    List<String> contentTypes = new CopyOnWriteArrayList<>();
    Vertx vertx = Vertx.vertx();
    HttpServer collector = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      contentTypes.add(request.getHeader("Content-Type"));
      try {
        ExportTraceServiceRequest export = ExportTraceServiceRequest.parseFrom(body.getBytes());
        export.getResourceSpansList().forEach(resource -> resource.getScopeSpansList()
          .forEach(scope -> received.addAll(scope.getSpansList())));
        request.response().putHeader("Content-Type", "application/x-protobuf").end();
      } catch (Exception e) {
        request.response().setStatusCode(400).end();
      }
    })).listen(0, "127.0.0.1").await();
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    String parentId = "00f067aa0ba902b7";
    try (ProcessClient client = new ProcessClient();
         ServiceProcess service = ServiceProcess.start(ServiceProcess.workingDirectory(dir), client.environment(db,
           Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + collector.actualPort(),
             "OTEL_BSP_SCHEDULE_DELAY", "200", "OTEL_SERVICE_NAME", "inbox-under-test"))).awaitListening()) {
      ProcessClient.Answer delivered = client.send(HttpRequest.newBuilder(
          URI.create(client.base() + TestService.CISIVE_PATH))
        .header("Authorization", "Bearer " + client.token("otlp-sender", "webhooks:ingest"))
        .header("Content-Type", "application/json")
        .header("traceparent", "00-" + traceId + "-" + parentId + "-01")
        .POST(HttpRequest.BodyPublishers.ofString(CisiveEvents.created("evt-otlp-1", "ORD-OTLP-1").encode()))
        .build());
      assertThat(delivered.statusCode()).isEqualTo(200);

      Span server = await().atMost(Duration.ofSeconds(20)).until(() -> received.stream()
        .filter(span -> hex(span.getTraceId()).equals(traceId) && hex(span.getParentSpanId()).equals(parentId))
        .findFirst(), found -> found.isPresent()).orElseThrow();
      assertThat(server.getName()).isEqualTo("POST /api/webhooks/cisive/orders");
      assertThat(server.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
      Span batch = await().atMost(Duration.ofSeconds(20)).until(() -> received.stream()
        .filter(span -> span.getName().equals("group commit") && linksTo(span, traceId)).findFirst(),
        found -> found.isPresent()).orElseThrow();
      await().atMost(Duration.ofSeconds(20)).until(() -> received.stream().anyMatch(span ->
        span.getParentSpanId().equals(batch.getSpanId()) && attribute(span, "db.system").equals("postgresql")));
      assertThat(contentTypes).contains("application/x-protobuf");

      // A failed apply, healed: the scheduler's retry is a trace of its own, linked to the delivery's.
      faults.failOrder("ORD-OTLP-2");
      String retriedTrace = "5cf92f3577b34da6a3ce929d0e0e4737";
      ProcessClient.Answer queued = client.send(HttpRequest.newBuilder(
          URI.create(client.base() + TestService.CISIVE_PATH))
        .header("Authorization", "Bearer " + client.token("otlp-sender", "webhooks:ingest"))
        .header("Content-Type", "application/json")
        .header("traceparent", "00-" + retriedTrace + "-" + parentId + "-01")
        .POST(HttpRequest.BodyPublishers.ofString(CisiveEvents.created("evt-otlp-2", "ORD-OTLP-2").encode()))
        .build());
      assertThat(queued.statusCode()).isEqualTo(202);
      faults.heal("ORD-OTLP-2");
      Span attempt = await().atMost(Duration.ofSeconds(30)).until(() -> received.stream()
        .filter(span -> span.getName().equals("attempt") && linksTo(span, retriedTrace)).findFirst(),
        found -> found.isPresent()).orElseThrow();
      assertThat(hex(attempt.getTraceId())).isNotEqualTo(retriedTrace);

      assertThat(client.get("/health/ready").statusCode()).isEqualTo(200);
      assertThat(received).as("probes are never traced").noneMatch(span -> span.getName().contains("/health"));
      assertThat(service.output()).as("the service's lines inside the request carry its trace id")
        .anyMatch(line -> line.contains("\"trace_id\":\"" + traceId + "\""));
    } finally {
      vertx.close().await();
    }
  }

  private static boolean linksTo(Span span, String traceId) {
    return span.getLinksList().stream().anyMatch(link -> hex(link.getTraceId()).equals(traceId));
  }

  private static String attribute(Span span, String key) {
    return span.getAttributesList().stream().filter(attribute -> attribute.getKey().equals(key))
      .map(KeyValue::getValue).map(value -> value.getStringValue()).findFirst().orElse("");
  }

  private static String hex(com.google.protobuf.ByteString bytes) {
    return HEX.formatHex(bytes.toByteArray());
  }
}
