package io.webhookinbox;

import io.vertx.core.json.JsonObject;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.ServiceProcess;
import io.webhookinbox.support.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a newcomer does after cloning: run the packaged service with no database configured (embedded PostgreSQL,
 * data in ./.data), mint a token with the {@code token} command, post the README's event, replay it, restart and
 * find it still there. Also the {@code migrate} command a Kubernetes Job runs.
 */
class ReadmeFlowIT {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void embeddedServiceAnswersTheReadmeCurlAndKeepsDataAcrossRestarts(@TempDir Path dir) throws Exception {
    Path workDir = ServiceProcess.workingDirectory(dir);
    int[] ports = TestService.freePorts(2);
    Map<String, String> env = Map.of("HTTP_PORT", String.valueOf(ports[0]),
      "MANAGEMENT_PORT", String.valueOf(ports[1]));
    String port = env.get("HTTP_PORT");
    String body = CisiveEvents.created("evt-readme-1", "ORD-README-1").encode();

    try (ServiceProcess service = ServiceProcess.start(workDir, env).awaitListening()) {
      assertThat(service.output()).anyMatch(line -> line.contains("started embedded PostgreSQL"));
      List<String> tokenOutput = ServiceProcess.run(workDir, env, "token");
      String token = tokenOutput.get(tokenOutput.size() - 1);

      JsonObject first = post(port, token, body);
      assertThat(first.getJsonObject("data").getString("status")).isEqualTo("processed");
      JsonObject replay = post(port, token, body);
      assertThat(replay.getJsonObject("data").getString("status")).isEqualTo("duplicate");
      assertThat(service.terminate(Duration.ofSeconds(30))).isIn(0, 143);
    }
    assertThat(Files.isDirectory(workDir.resolve(".data/postgres"))).isTrue();

    try (ServiceProcess restarted = ServiceProcess.start(workDir, env).awaitListening()) {
      String token = ServiceProcess.run(workDir, env, "token", "--scope", "webhooks:ingest").stream()
        .reduce((a, b) -> b).orElseThrow();
      JsonObject afterRestart = post(port, token, body);
      assertThat(afterRestart.getJsonObject("data").getString("status")).isEqualTo("duplicate");
      assertThat(afterRestart.getJsonObject("data").getInteger("orderVersion")).isEqualTo(1);
      restarted.terminate(Duration.ofSeconds(30));
    }
  }

  @Test
  void migrateCommandAppliesTheSchemaAndExits(@TempDir Path dir) {
    Path workDir = ServiceProcess.workingDirectory(dir);
    List<String> output = ServiceProcess.run(workDir, Map.of(), "migrate");
    assertThat(output).anyMatch(line -> line.contains("Database migrated") && !line.contains("\"0 migration"));
    assertThat(ServiceProcess.run(workDir, Map.of(), "migrate"))
      .anyMatch(line -> line.contains("Database migrated: 0 migration(s) applied"));
  }

  private JsonObject post(String port, String token, String body) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + "/api/webhooks/cisive/orders"))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build(),
      HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }
}
