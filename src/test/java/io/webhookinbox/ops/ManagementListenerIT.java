package io.webhookinbox.ops;

import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.ProcessClient;
import io.webhookinbox.support.ServiceProcess;
import io.webhookinbox.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged service's two listeners: senders' port serves the webhook endpoints (and, unless configured
 * otherwise, the operator API), never probes or metrics; the management port serves probes and metrics, and the
 * operator API when {@code MANAGEMENT_OPERATOR_API=true} (as k8s/config.yaml sets it), which then leaves the public
 * port.
 */
@ExtendWith(PostgresExtension.class)
class ManagementListenerIT {

  @Test
  void probesAndMetricsAreOnTheManagementPortOnly(TestDatabase db, @TempDir Path dir) {
    try (ProcessClient client = new ProcessClient();
         ServiceProcess service = ServiceProcess.start(ServiceProcess.workingDirectory(dir),
           client.environment(db, Map.of())).awaitListening()) {
      for (String path : new String[] {"/health/live", "/health/ready", "/metrics"}) {
        assertThat(get(client, client.base(), path, null)).as("public %s", path).isEqualTo(404);
        assertThat(get(client, client.managementBase(), path, null)).as("management %s", path).isEqualTo(200);
      }
      String reader = client.token("auditor", "webhooks:read");
      assertThat(get(client, client.base(), "/api/webhooks/configuration", reader)).isEqualTo(200);
      assertThat(get(client, client.base(), "/openapi.yaml", null)).isEqualTo(200);
    }
  }

  @Test
  void theOperatorApiMovesToTheManagementPortWhenConfigured(TestDatabase db, @TempDir Path dir) {
    try (ProcessClient client = new ProcessClient();
         ServiceProcess service = ServiceProcess.start(ServiceProcess.workingDirectory(dir),
           client.environment(db, Map.of("MANAGEMENT_OPERATOR_API", "true"))).awaitListening()) {
      String reader = client.token("auditor", "webhooks:read");
      for (String path : new String[] {"/api/webhooks/configuration", "/api/webhooks/statistics",
        "/api/webhooks/events", "/openapi.yaml"}) {
        // Not served there (405 where the public port has another method on the path: POST of Stripe events).
        assertThat(get(client, client.base(), path, reader)).as("public %s", path).isIn(404, 405);
        assertThat(get(client, client.managementBase(), path, reader)).as("management %s", path).isEqualTo(200);
      }
      assertThat(client.postCisive(CisiveEvents.created("evt-mgmt-1", "ORD-MGMT-1"))).isEqualTo(200);
    }
  }

  private static int get(ProcessClient client, String base, String path, String token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return client.send(request.build()).statusCode();
  }
}
