package io.webhookinbox.ops;

import io.vertx.core.json.JsonObject;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.ServiceProcess;
import io.webhookinbox.support.SlowStatements;
import io.webhookinbox.support.StatusClient;
import io.webhookinbox.support.TestDatabase;
import io.webhookinbox.support.TestService;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SIGTERM to the packaged service running as a real process against PostgreSQL: under load nothing that got a
 * 2xx is missing and nothing is half-applied; and a request in flight when SIGTERM arrives still completes while
 * readiness is already down and new requests are refused.
 */
@ExtendWith(PostgresExtension.class)
class GracefulShutdownIT {
  private static final int SENDERS = 6;
  private static final int MAX_EVENTS = 4000;
  private static final Duration MAX_LOAD_TIME = Duration.ofSeconds(40);
  private static Vertx vertx;
  private static JWTAuth signer;
  private final StatusClient http = new StatusClient();

  @BeforeAll
  static void signer() {
    vertx = Vertx.vertx();
    signer = JWTAuth.create(vertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(TestService.SECRET)));
  }

  @AfterAll
  static void close() {
    vertx.close().await();
  }

  @Test
  void sigtermUnderLoadLosesNothingThatWasAcknowledged(TestDatabase db, @TempDir Path dir) throws Exception {
    Map<String, String> env = environment(db);
    ServiceProcess service = ServiceProcess.start(ServiceProcess.workingDirectory(dir), env).awaitListening();
    String base = "http://127.0.0.1:" + env.get("HTTP_PORT");
    Map<String, Integer> answers = new ConcurrentHashMap<>();
    AtomicInteger sequence = new AtomicInteger();
    long deadline = System.nanoTime() + MAX_LOAD_TIME.toNanos();

    List<CompletableFuture<Void>> senders = new ArrayList<>();
    for (int s = 0; s < SENDERS; s++) {
      String token = token("load-sender-" + s);
      senders.add(CompletableFuture.runAsync(() -> {
        int consecutiveFailures = 0;
        // Bounded in count and time; ends once the service is gone.
        while (consecutiveFailures < 20 && System.nanoTime() < deadline) {
          int n = sequence.incrementAndGet();
          if (n > MAX_EVENTS) {
            return;
          }
          String eventId = "evt-load-" + n;
          int status = http.postCisive(base, token, CisiveEvents.created(eventId, "ORD-LOAD-" + n).encode());
          answers.put(eventId, status);
          consecutiveFailures = status == -1 ? consecutiveFailures + 1 : 0;
        }
      }));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> answers.values().stream().filter(s -> s == 200).count() >= 300);

    int exit = service.terminate(Duration.ofSeconds(60));
    CompletableFuture.allOf(senders.toArray(CompletableFuture[]::new)).get();

    assertThat(exit).isIn(0, 143);
    assertThat(service.output()).as(String.join("\n", service.output().stream()
        .filter(line -> !line.contains("\"request\"") && !line.contains("processed\"")).toList()))
      .anyMatch(line -> line.contains("Draining"));
    List<String> output = service.output();
    int draining = indexOf(output, "Draining: readiness down");
    int schedulerStops = indexOf(output, "stopping the scheduler");
    int stopped = indexOf(output, "\"message\":\"Stopped\"");
    assertThat(draining).as("readiness down first").isNotNegative().isLessThan(schedulerStops);
    assertThat(schedulerStops).as("then the scheduler, then the pools and servers").isLessThan(stopped);
    List<String> acknowledged = answers.entrySet().stream().filter(e -> e.getValue() / 100 == 2).map(Map.Entry::getKey).toList();
    assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(300);
    // Lines leave the logging thread's buffer in batches: every one whole, none lost up to the exit.
    List<JsonObject> lines = output.stream().filter(line -> line.startsWith("{")).map(JsonObject::new).toList();
    assertThat(lines.stream().filter(line -> "access".equals(line.getString("logger_name"))
        && line.getInteger("status") == 200).map(line -> line.getString("eventId")))
      .containsAll(acknowledged);
    // After SIGTERM a sender sees 503 (draining) or a refused connection, nothing else.
    assertThat(answers.values()).allSatisfy(status -> assertThat(status).isIn(200, 503, -1));

    long stored = db.count("SELECT count(*) FROM webhook_events e JOIN orders o ON o.last_event_id = e.event_id"
      + " WHERE e.event_id = ANY (?) AND e.status = 'processed'", (Object) acknowledged.toArray(String[]::new));
    assertThat(stored).isEqualTo(acknowledged.size());
    assertThat(db.count("SELECT count(*) FROM orders o WHERE o.external_order_id LIKE 'ORD-LOAD-%' AND NOT EXISTS"
      + " (SELECT 1 FROM webhook_events e WHERE e.event_id = o.last_event_id AND e.status = 'processed')")).isZero();
    assertThat(db.count("SELECT count(*) FROM webhook_events e WHERE e.event_id LIKE 'evt-load-%' AND NOT EXISTS"
      + " (SELECT 1 FROM orders o WHERE o.last_event_id = e.event_id)")).isZero();
  }

  @Test
  void requestInFlightAtSigtermCompletesWhileReadinessIsDownAndNewRequestsAreRefused(TestDatabase db,
                                                                                   @TempDir Path dir) throws Exception {
    Map<String, String> env = environment(db);
    ServiceProcess service = ServiceProcess.start(ServiceProcess.workingDirectory(dir), env).awaitListening();
    String base = "http://127.0.0.1:" + env.get("HTTP_PORT");
    String management = "http://127.0.0.1:" + env.get("MANAGEMENT_PORT");
    String token = token("drain-sender");
    assertThat(http.postCisive(base, token, CisiveEvents.event("evt-hold-0", "OrderCreated", "2026-11-20T09:00:00Z",
      "ORD-HOLD", "Created").encode())).isEqualTo(200);

    CompletableFuture<Integer> held;
    try (SlowStatements slow = SlowStatements.onOrders(db)) {
      held = CompletableFuture.supplyAsync(() -> http.postCisive(base, token, CisiveEvents.event("evt-hold-1", "OrderUpdated",
        "2026-11-20T10:00:00Z", "ORD-HOLD", "Completed").encode()));
      await().atMost(Duration.ofSeconds(10))
        .until(() -> db.count("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'") > 0);

      service.process().toHandle().destroy();
      await().atMost(Duration.ofSeconds(10)).until(() -> http.get(management + "/health/ready") == 503);
      assertThat(http.get(management + "/health/live")).isEqualTo(200);
      assertThat(http.postCisive(base, token, CisiveEvents.created("evt-hold-late", "ORD-HOLD-LATE").encode())).isEqualTo(503);
      assertThat(held).isNotDone();
      slow.release();
    }

    assertThat(held.get()).isEqualTo(200);
    assertThat(service.waitForExit(Duration.ofSeconds(60))).isIn(0, 143);
    assertThat(db.one("SELECT status, version FROM orders WHERE external_order_id = 'ORD-HOLD'"))
      .isEqualTo(new JsonObject().put("status", "Completed").put("version", 2));
    assertThat(db.count("SELECT count(*) FROM webhook_events WHERE event_id = 'evt-hold-late'")).isZero();
  }

  private static int indexOf(List<String> lines, String text) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i;
      }
    }
    return -1;
  }

  private static Map<String, String> environment(TestDatabase db) {
    int[] ports = TestService.freePorts(2);
    Map<String, String> env = new java.util.HashMap<>(Map.of("HTTP_PORT", String.valueOf(ports[0]),
      "PG_HOST", db.host(), "PG_PORT", String.valueOf(db.port()), "PG_DATABASE", db.name(), "PG_USER", db.user(),
      "PG_PASSWORD", db.password(), "DB_MIGRATE_ON_START", "false", "JWT_HMAC_SECRET", TestService.SECRET,
      "JWT_ISSUER", TestService.ISSUER, "JWT_AUDIENCE", TestService.AUDIENCE));
    env.put("MANAGEMENT_PORT", String.valueOf(ports[1]));
    return env;
  }

  private static String token(String subject) {
    return signer.generateToken(new JsonObject().put("scope", "webhooks:ingest"), new JWTOptions()
      .setAlgorithm("HS256").setIssuer(TestService.ISSUER).setAudience(List.of(TestService.AUDIENCE))
      .setSubject(subject).setExpiresInSeconds(600));
  }
}
