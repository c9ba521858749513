package io.webhookinbox.db;

import io.vertx.core.json.JsonObject;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.ProcessClient;
import io.webhookinbox.support.ServiceProcess;
import io.webhookinbox.support.SlowStatements;
import io.webhookinbox.support.TcpProxy;
import io.webhookinbox.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Slow and silent database faults against the packaged service as a process: every wait on PostgreSQL ends by
 * itself. A statement stuck past its deadline is cancelled soon after its sender got 503 (a migration's ALTER TABLE
 * can then run); connections whose sockets went silent (a proxy that stops forwarding but accepts new connections,
 * as after a failover) are given up at their deadline, so deliveries and readiness come back without a restart.
 */
@ExtendWith(PostgresExtension.class)
class SilentDatabaseIT {
  private static final int TIMEOUT_SECONDS = 3;
  private TcpProxy proxy;
  private ProcessClient client;
  private ServiceProcess service;

  @BeforeEach
  void start(TestDatabase db) {
    proxy = TcpProxy.start(db.host(), db.port());
    client = new ProcessClient();
  }

  private void startService(TestDatabase db, Path dir, int timeoutSeconds, int poolSize) {
    service = ServiceProcess.start(ServiceProcess.workingDirectory(dir), client.environment(db, "127.0.0.1",
      proxy.port(), Map.of("PROCESSING_TIMEOUT_SECONDS", String.valueOf(timeoutSeconds),
        "PG_POOL_SIZE", String.valueOf(poolSize)))).awaitListening();
  }

  @AfterEach
  void stop() {
    if (service != null) {
      service.close();
    }
    client.close();
    proxy.close();
  }

  @Test
  void aStatementStuckPastItsDeadlineEndsSoonAfterItsSenderGot503(TestDatabase db, @TempDir Path dir)
    throws Exception {
    startService(db, dir, TIMEOUT_SECONDS, 6);
    assertThat(client.postCisive(CisiveEvents.event("evt-lock-0", "OrderCreated", "2026-11-20T09:00:00Z",
      "ORD-LOCK", "Created"))).isEqualTo(200);
    JsonObject update = CisiveEvents.event("evt-lock-1", "OrderUpdated", "2026-11-20T10:00:00Z", "ORD-LOCK",
      "Completed");
    try (SlowStatements slow = SlowStatements.onOrders(db)) {
      assertThat(client.postCisive(update)).isEqualTo(503);

      // While the database is still slow, the service holds nothing: no session of it runs, waits or idles in a
      // transaction,
      await().atMost(Duration.ofSeconds(10)).until(() -> db.count("SELECT count(*) FROM pg_stat_activity"
        + " WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        + " AND application_name = 'webhook-inbox'"
        + " AND (wait_event_type = 'Lock' OR state LIKE 'idle in transaction%' OR state = 'active')") == 0);
      // and a migration's ALTER TABLE on the inbox gets its lock instead of queueing behind the delivery.
      try (Connection migration = db.connect(); Statement alter = migration.createStatement()) {
        migration.setAutoCommit(false);
        alter.execute("SET LOCAL lock_timeout = '5s'");
        alter.execute("ALTER TABLE webhook_events ADD COLUMN test_probe integer");
        migration.rollback();
      }
    }

    assertThat(client.postCisive(update)).isEqualTo(200);
    assertThat(db.one("SELECT status, version FROM orders WHERE external_order_id = 'ORD-LOCK'"))
      .isEqualTo(new JsonObject().put("status", "Completed").put("version", 2));
  }

  @Test
  void connectionsGoneSilentAreReplacedAndDeliveriesAndReadinessComeBack(TestDatabase db, @TempDir Path dir) {
    startService(db, dir, TIMEOUT_SECONDS, 6);
    for (int i = 0; i < 4; i++) {
      assertThat(client.postCisive(CisiveEvents.created("evt-silent-warm-" + i, "ORD-SILENT-WARM-" + i)))
        .isEqualTo(200);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> client.get("/health/ready").statusCode() == 200);

    proxy.freeze();

    // The probe's connection is silent now: the probe fails at its deadline, then a new connection answers.
    await().atMost(Duration.ofSeconds(15)).until(() -> client.get("/health/ready").statusCode() == 503);
    await().atMost(Duration.ofSeconds(30)).until(() -> client.get("/health/ready").statusCode() == 200);

    // Deliveries that meet a silent connection get 503 at their deadline; new connections take over.
    AtomicInteger sequence = new AtomicInteger();
    List<String> acknowledged = new ArrayList<>();
    List<Integer> answers = new ArrayList<>();
    await().atMost(Duration.ofSeconds(90)).until(() -> {
      String eventId = "evt-silent-" + sequence.incrementAndGet();
      int status = client.postCisive(CisiveEvents.created(eventId, "ORD-" + eventId));
      answers.add(status);
      if (status == 200) {
        acknowledged.add(eventId);
      }
      return answers.size() >= 5 && answers.subList(answers.size() - 5, answers.size()).stream().allMatch(s -> s == 200);
    });
    assertThat(answers).allSatisfy(status -> assertThat(status).isIn(200, 503));
    assertThat(db.count("SELECT count(*) FROM webhook_events WHERE event_id = ANY (?) AND status = 'processed'",
      (Object) acknowledged.toArray(String[]::new))).isEqualTo(acknowledged.size());

    // The LISTEN connections are silent too: their heartbeat finds out in seconds and they reconnect.
    service.awaitLine(line -> line.contains("LISTEN connection on webhook_inbox_retry did not answer"),
      Duration.ofSeconds(20));
  }

  /**
   * The fault as reported: a pool of 8, the default processing timeout's shape (5 s here), ordinary traffic, then
   * every socket open so far goes silent while new connections still work, and one delivery a second arrives, each
   * sender waiting up to 30 s. Every pool gives up its silent connections within twice the processing timeout, so
   * the deliveries sent after that are stored; readiness says so too.
   */
  @Test
  void afterSocketsGoSilentEveryPoolRecoversWithinTwiceTheProcessingTimeout(TestDatabase db, @TempDir Path dir)
    throws Exception {
    int timeoutSeconds = 5;
    startService(db, dir, timeoutSeconds, 8);
    List<CompletableFuture<Integer>> warm = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      JsonObject event = CisiveEvents.created("evt-quiet-warm-" + i, "ORD-QUIET-WARM-" + i);
      warm.add(client.postCisiveAsync(event));
    }
    for (CompletableFuture<Integer> answer : warm) {
      assertThat(answer.get(30, TimeUnit.SECONDS)).isEqualTo(200);
    }

    proxy.freeze();
    long frozenAt = System.nanoTime();
    // One delivery a second, as the fault was reported.
    ScheduledExecutorService senders = Executors.newSingleThreadScheduledExecutor();
    Map<Integer, CompletableFuture<Integer>> sentAtSecond = new TreeMap<>();
    for (int second = 0; second < 3 * timeoutSeconds; second++) {
      JsonObject event = CisiveEvents.created("evt-quiet-" + second, "ORD-QUIET-" + second);
      CompletableFuture<Integer> answer = new CompletableFuture<>();
      senders.schedule(() -> client.postCisiveAsync(event).thenAccept(answer::complete), second, TimeUnit.SECONDS);
      sentAtSecond.put(second, answer);
    }
    List<String> acknowledged = new ArrayList<>();
    for (Map.Entry<Integer, CompletableFuture<Integer>> sent : sentAtSecond.entrySet()) {
      int status = sent.getValue().get(60, TimeUnit.SECONDS);
      assertThat(status).as("delivery sent %d s after the freeze", sent.getKey()).isIn(200, 503);
      if (sent.getKey() >= 2 * timeoutSeconds) {
        assertThat(status).as("delivery sent %d s after the freeze", sent.getKey()).isEqualTo(200);
      }
      if (status == 200) {
        acknowledged.add("evt-quiet-" + sent.getKey());
      }
    }
    senders.shutdown();
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - frozenAt)).isLessThan(90);
    assertThat(client.get("/health/ready").statusCode()).isEqualTo(200);
    assertThat(db.count("SELECT count(*) FROM webhook_events WHERE event_id = ANY (?) AND status = 'processed'",
      (Object) acknowledged.toArray(String[]::new))).isEqualTo(acknowledged.size());
  }
}
