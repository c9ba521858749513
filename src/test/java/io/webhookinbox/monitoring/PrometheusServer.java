package io.webhookinbox.monitoring;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.webhookinbox.support.TestService;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;

/** A real Prometheus (Debian's package) on loopback, scraping one target every second with the alert rules loaded. */
final class PrometheusServer implements AutoCloseable {
  static final String JOB = "webhook-inbox";
  private final Process process;
  private final Path log;
  private final String base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private PrometheusServer(Process process, Path log, String base) {
    this.process = process;
    this.log = log;
    this.base = base;
  }

  static PrometheusServer start(Path binary, Path dir, int targetPort) throws IOException {
    AlertRules.writeRuleFiles(dir);
    Files.writeString(dir.resolve("prometheus.yml"), """
      global:
        scrape_interval: 1s
        evaluation_interval: 1s
      rule_files: [%s]
      scrape_configs:
        - job_name: %s
          static_configs:
            - targets: ["127.0.0.1:%d"]
      """.formatted(AlertRules.RULE_FILE, JOB, targetPort));
    int port = TestService.freePort();
    Path log = dir.resolve("prometheus.log");
    Process process = new ProcessBuilder(binary.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
      "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
      .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    PrometheusServer server = new PrometheusServer(process, log, "http://127.0.0.1:" + port);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
      .failFast("prometheus exited", () -> !process.isAlive())
      .until(() -> server.status("/-/ready") == 200);
    return server;
  }

  /** An instant query's result vector; fails on a PromQL error. */
  JsonArray query(String promql) {
    JsonObject answer = getJson("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    if (!"success".equals(answer.getString("status"))) {
      throw new AssertionError(promql + ": " + answer.encode());
    }
    return answer.getJsonObject("data").getJsonArray("result");
  }

  /** The alerts Prometheus holds now (pending or firing). */
  List<JsonObject> alerts() {
    return getJson("/api/v1/alerts").getJsonObject("data").getJsonArray("alerts").stream()
      .map(JsonObject.class::cast).toList();
  }

  String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private JsonObject getJson(String path) {
    try {
      return new JsonObject(http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
        .build(), HttpResponse.BodyHandlers.ofString()).body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private int status(String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(2)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
