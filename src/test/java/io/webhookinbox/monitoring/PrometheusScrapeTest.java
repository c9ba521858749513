package io.webhookinbox.monitoring;

import io.vertx.core.json.JsonObject;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.ExternalTools;
import io.webhookinbox.support.FaultInjection;
import io.webhookinbox.support.InboxExtension;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real Prometheus scrapes the running service with the alert rules of k8s/monitoring loaded: every metric the
 * rules and the dashboard read is ingested, every dashboard query is valid PromQL, and alerts go off when their
 * condition is induced for real: a dead letter (fires at once) and deliveries refused with 503 (pending, since the
 * rule wants 10 minutes of it).
 */
@ExtendWith(PostgresExtension.class)
class PrometheusScrapeTest {
  private static FaultInjection faults;
  @RegisterExtension
  static final InboxExtension inbox = new InboxExtension(new JsonObject()
    .put("retry", new JsonObject().put("initialDelayMs", 200).put("jitter", 0.0).put("maxAttempts", 1))
    .put("scheduler", new JsonObject().put("pollIntervalMs", 300).put("leaseTimeoutMs", 2000)),
    database -> faults = FaultInjection.install(database));

  @Test
  void prometheusIngestsTheMetricsAndTheAlertsFireOnTheirConditions(@TempDir Path dir) throws Exception {
    Path binary = ExternalTools.require("prometheus", "prometheus");
    TestService service = inbox.service();
    try (PrometheusServer prometheus = PrometheusServer.start(binary, dir, service.managementPort())) {
      assertThat(service.postCisive(CisiveEvents.created("evt-prom-ok", "ORD-PROM-OK")).statusCode()).isEqualTo(200);
      faults.failOrder("ORD-PROM-DEAD");
      assertThat(service.postCisive(CisiveEvents.created("evt-prom-dead", "ORD-PROM-DEAD")).statusCode()).isEqualTo(202);

      JsonObject deadLetters = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
        .until(() -> alert(prometheus, "WebhookInboxDeadLetters"), Optional::isPresent).orElseThrow();
      assertThat(deadLetters.getString("state")).isEqualTo("firing");
      assertThat(deadLetters.getJsonObject("labels").getMap())
        .containsEntry("source", "cisive").containsEntry("job", PrometheusServer.JOB).containsEntry("severity", "warning");
      assertThat(inbox.db().one("SELECT status FROM webhook_events WHERE event_id = 'evt-prom-dead'").getString("status"))
        .isEqualTo("dead");

      Set<String> read = new TreeSet<>(AlertRules.metricsUsed());
      MonitoringFiles.dashboardQueries().forEach(query -> read.addAll(AlertRules.metricsIn(query)));
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(read).allSatisfy(metric ->
        assertThat(prometheus.query(metric + "{job=\"" + PrometheusServer.JOB + "\"}")).as(metric).isNotEmpty()));
      MonitoringFiles.dashboardQueries().forEach(prometheus::query);
      assertThat(prometheus.query("webhook_events_received_total{outcome=\"processed\",source=\"cisive\"}"))
        .singleElement().satisfies(sample -> assertThat(((JsonObject) sample).getJsonArray("value").getString(1))
          .isEqualTo("1"));

      disableDeliveries(service);
      // One refused delivery per scrape, so Prometheus sees the 503 count rise; bounded in count.
      for (int sent = 1; sent <= 30 && alert(prometheus, "WebhookInboxRefusing").isEmpty(); sent++) {
        assertThat(service.postCisive(CisiveEvents.created("evt-prom-off-" + sent, "ORD-PROM-OFF")).statusCode())
          .isEqualTo(503);
        String seen = String.valueOf(sent);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> prometheus.query(
          "sum(vertx_http_server_requests_total{code=\"503\",route!~\"/health/.*|/metrics\"})").stream()
          .map(sample -> ((JsonObject) sample).getJsonArray("value").getString(1)).toList().contains(seen));
      }
      assertThat(alert(prometheus, "WebhookInboxRefusing")).as(prometheus.log()).hasValueSatisfying(refusing -> {
        assertThat(refusing.getString("state")).isEqualTo("pending");
        assertThat(Double.parseDouble(refusing.getString("value"))).isGreaterThan(0.05);
      });
    }
  }

  private static Optional<JsonObject> alert(PrometheusServer prometheus, String name) {
    return prometheus.alerts().stream().filter(a -> name.equals(a.getJsonObject("labels").getString("alertname")))
      .findFirst();
  }

  private static void disableDeliveries(TestService service) {
    int status = service.send(service.client().put("/api/webhooks/configuration"),
      new JsonObject().put("status", "disabled").toBuffer(), service.adminToken(), "application/json", Map.of())
      .statusCode();
    assertThat(status).isEqualTo(200);
    await().atMost(Duration.ofSeconds(5)).until(() -> !service.server().settings().webhooks().active());
  }
}
