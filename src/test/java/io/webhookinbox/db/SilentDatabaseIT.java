package io.webhookinbox.db;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.ProcessClient;
import io.webhookinbox.support.ServiceProcess;
import io.webhookinbox.support.TcpProxy;
import io.webhookinbox.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Slow and silent database faults against the packaged service as a process: every wait on PostgreSQL ends by
 * itself. A transaction stuck behind a lock is gone soon after its sender got 503 (a migration's ALTER TABLE can
 * then run); connections whose sockets went silent (a proxy that stops forwarding but accepts new connections,
 * as after a failover) are closed at their deadline, so deliveries and readiness come back without a restart.
 */
@ExtendWith(PostgresExtension.class)
class SilentDatabaseIT {
  private static final String TIMEOUT_SECONDS = "3";
  private Vertx vertx;
  private TcpProxy proxy;
  private ProcessClient client;
  private ServiceProcess service;

  @BeforeEach
  void start(TestDatabase db, @TempDir Path dir) {
    vertx = Vertx.vertx();
    proxy = TcpProxy.start(vertx, db.host(), db.port());
    client = new ProcessClient();
    service = ServiceProcess.start(ServiceProcess.workingDirectory(dir), client.environment(db, "127.0.0.1",
      proxy.port(), Map.of("PROCESSING_TIMEOUT_SECONDS", TIMEOUT_SECONDS, "PG_POOL_SIZE", "6"))).awaitListening();
  }

  @AfterEach
  void stop() {
    service.close();
    client.close();
    proxy.close();
    vertx.close().await();
  }

  @Test
  void aTransactionWaitingOnALockEndsSoonAfterItsSenderGot503(TestDatabase db) throws Exception {
    assertThat(client.postCisive(CisiveEvents.event("evt-lock-0", "OrderCreated", "2026-11-20T09:00:00Z",
      "ORD-LOCK", "Created"))).isEqualTo(200);
    JsonObject update = CisiveEvents.event("evt-lock-1", "OrderUpdated", "2026-11-20T10:00:00Z", "ORD-LOCK",
      "Completed");
    try (Connection blocker = db.connect(); Statement statement = blocker.createStatement()) {
      blocker.setAutoCommit(false);
      statement.execute("SELECT * FROM orders WHERE external_order_id = 'ORD-LOCK' FOR UPDATE");
      int blockerPid;
      try (ResultSet pid = statement.executeQuery("SELECT pg_backend_pid()")) {
        pid.next();
        blockerPid = pid.getInt(1);
      }

      assertThat(client.postCisive(update)).isEqualTo(503);

      // While the row is still locked, the service holds nothing: no session of it waits or idles in a transaction,
      await().atMost(Duration.ofSeconds(10)).until(() -> db.count("SELECT count(*) FROM pg_stat_activity"
        + " WHERE datname = current_database() AND pid NOT IN (pg_backend_pid(), ?) AND backend_type = 'client backend'"
        + " AND (wait_event_type = 'Lock' OR state LIKE 'idle in transaction%' OR state = 'active')", blockerPid) == 0);
      // and a migration's ALTER TABLE on the inbox gets its lock instead of queueing behind the delivery.
      try (Connection migration = db.connect(); Statement alter = migration.createStatement()) {
        migration.setAutoCommit(false);
        alter.execute("SET LOCAL lock_timeout = '5s'");
        alter.execute("ALTER TABLE webhook_events ADD COLUMN test_probe integer");
        migration.rollback();
      }
      blocker.rollback();
    }

    assertThat(client.postCisive(update)).isEqualTo(200);
    assertThat(db.one("SELECT status, version FROM orders WHERE external_order_id = 'ORD-LOCK'"))
      .isEqualTo(new JsonObject().put("status", "Completed").put("version", 2));
  }

  @Test
  void connectionsGoneSilentAreClosedAndDeliveriesAndReadinessComeBack(TestDatabase db) {
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
}
