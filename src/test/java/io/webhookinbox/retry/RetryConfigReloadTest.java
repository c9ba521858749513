package io.webhookinbox.retry;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.ConfigFiles;
import io.webhookinbox.support.FaultInjection;
import io.webhookinbox.support.LogCapture;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.TestDatabase;
import io.webhookinbox.support.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Operators edit retry settings in the config file; the running service applies them to its next decision. */
@ExtendWith({VertxExtension.class, PostgresExtension.class})
class RetryConfigReloadTest {

  @Test
  void editingTheConfigFileChangesTheNextBackoffAndBadEditsAreRefused(Vertx vertx, TestDatabase db,
                                                                      @TempDir Path dir) throws IOException {
    FaultInjection faults = FaultInjection.install(db);
    Path file = dir.resolve("config.yaml");
    writeRetry(file, "initialDelayMs: 60000", "multiplier: 2.0");
    JsonObject config = TestService.config(db, new JsonObject()
      .put("config", new JsonObject().put("scanIntervalMs", 200))
      .put("scheduler", new JsonObject().put("pollIntervalMs", 300)));

    try (TestService service = TestService.start(vertx, config, file)) {
      faults.failOrder("ORD-CFG-1");
      assertThat(service.postCisive(CisiveEvents.created("evt-cfg-1", "ORD-CFG-1")).statusCode()).isEqualTo(202);
      // Attempt 1 and the immediate retry fail; retry 2 is then scheduled a full minute out.
      await().atMost(Duration.ofSeconds(10)).until(() -> attempts(db) == 2 && "failed".equals(status(db)));
      assertThat(secondsUntilNextAttempt(db)).isBetween(55.0, 60.5);

      writeRetry(file, "initialDelayMs: 300", "multiplier: 2.0");
      await().atMost(Duration.ofSeconds(10))
        .until(() -> service.server().settings().retry().initialDelayMs() == 300);
      assertThat(service.server().settings().scheduler().batchSize()).isEqualTo(7);

      // The next scheduling decision uses the new values: retry 3 waits 300 ms × 2^(3-2) = 600 ms.
      assertThat(service.postAsAdmin("/api/webhooks/retry/evt-cfg-1").statusCode()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(10)).until(() -> attempts(db) == 3 && "failed".equals(status(db)));
      double next = secondsUntilLastAttemptToNext(db);
      assertThat(next).isBetween(0.55, 0.65);

      // Refusals logged before this edit (other tests in this JVM write bad files too) must not count.
      long refusedBefore = refusals();
      writeRetry(file, "initialDelayMs: 300", "multiplier: -4");
      await().atMost(Duration.ofSeconds(10)).until(() -> refusals() > refusedBefore);
      assertThat(service.server().settings().retry().multiplier()).isEqualTo(2.0);
      assertThat(service.server().settings().retry().initialDelayMs()).isEqualTo(300);

      faults.heal("ORD-CFG-1");
      await().atMost(Duration.ofSeconds(10)).until(() -> "processed".equals(status(db)));
    }
  }

  private static long refusals() {
    return LogCapture.json().stream().filter(line ->
      "ERROR".equals(line.getString("level")) && line.getString("message").contains("retry.multiplier")).count();
  }

  private static void writeRetry(Path file, String... retryLines) throws IOException {
    StringBuilder yaml = new StringBuilder("retry:\n");
    for (String line : retryLines) {
      yaml.append("  ").append(line).append('\n');
    }
    boolean edited = String.join(" ", retryLines).contains("initialDelayMs: 300");
    yaml.append("  jitter: 0.0\n  maxAttempts: 5\n  maxDelayMs: 120000\nscheduler:\n  pollIntervalMs: 300\n")
      .append("  batchSize: ").append(edited ? 7 : 50).append('\n');
    ConfigFiles.replaceAtomically(file, yaml.toString());
  }

  private static String status(TestDatabase db) {
    return db.one("SELECT status FROM webhook_events WHERE event_id = 'evt-cfg-1'").getString("status");
  }

  private static int attempts(TestDatabase db) {
    return (int) db.count("SELECT count(*) FROM webhook_event_attempts a JOIN webhook_events e"
      + " ON e.id = a.event_row_id WHERE e.event_id = 'evt-cfg-1'");
  }

  private static double secondsUntilNextAttempt(TestDatabase db) {
    return ((Number) db.one("SELECT extract(epoch FROM next_attempt_at - now()) AS s FROM webhook_events"
      + " WHERE event_id = 'evt-cfg-1'").getValue("s")).doubleValue();
  }

  private static double secondsUntilLastAttemptToNext(TestDatabase db) {
    return ((Number) db.one("SELECT extract(epoch FROM e.next_attempt_at - a.finished_at) AS s"
      + " FROM webhook_events e JOIN webhook_event_attempts a ON a.event_row_id = e.id"
      + " WHERE e.event_id = 'evt-cfg-1' ORDER BY a.attempt DESC LIMIT 1").getValue("s")).doubleValue();
  }
}
