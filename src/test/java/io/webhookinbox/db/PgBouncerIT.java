package io.webhookinbox.db;

import io.vertx.core.json.JsonObject;
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

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged service behind PgBouncer in transaction mode (Debian's {@code pgbouncer}, started here), with
 * LISTEN and migrations on a direct connection: concurrent deliveries, duplicates, a failure queued and retried
 * after a NOTIFY, operator reads and statistics all work, and PostgreSQL sees no more server connections than
 * PgBouncer's pool. Skipped where the pgbouncer binary is not installed.
 */
@ExtendWith(PostgresExtension.class)
class PgBouncerIT {
  private static final Path BINARY = Path.of("/usr/sbin/pgbouncer");
  private static final int SERVER_POOL = 4;

  @Test
  void theServiceWorksBehindPgBouncerInTransactionMode(TestDatabase db, @TempDir Path dir) throws Exception {
    assumeThat(Files.isExecutable(BINARY)).as("pgbouncer is not installed (Debian package pgbouncer)").isTrue();
    FaultInjection faults = FaultInjection.install(db);
    int bouncerPort = TestService.freePort();
    Path bouncerDir = Files.createDirectories(dir.resolve("pgbouncer"));
    Files.writeString(bouncerDir.resolve("pgbouncer.ini"), String.join("\n",
      "[databases]",
      db.name() + " = host=" + db.host() + " port=" + db.port() + " dbname=" + db.name() + " user=" + db.user(),
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      "listen_port = " + bouncerPort,
      "unix_socket_dir =",
      "auth_type = any",
      "pool_mode = transaction",
      "default_pool_size = " + SERVER_POOL,
      "max_client_conn = 200",
      // What the reactive client sends at start-up that PgBouncer 1.18 does not track.
      "ignore_startup_parameters = extra_float_digits, IntervalStyle",
      // The server-side bounds, set here since session settings do not pass a transaction pooler.
      "query_timeout = 15",
      "idle_transaction_timeout = 15",
      "logfile = " + bouncerDir.resolve("pgbouncer.log"),
      "pidfile = " + bouncerDir.resolve("pgbouncer.pid"),
      ""));
    for (Path path : List.of(dir, bouncerDir)) {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxrwxrwx"));
    }
    List<String> command = new ArrayList<>(List.of(BINARY.toString()));
    if ("root".equals(System.getProperty("user.name"))) {
      command.addAll(List.of("-u", "postgres"));
    }
    command.add(bouncerDir.resolve("pgbouncer.ini").toString());
    Process bouncer = new ProcessBuilder(command).redirectErrorStream(true)
      .redirectOutput(bouncerDir.resolve("stdout.log").toFile()).start();
    try (ProcessClient client = new ProcessClient()) {
      await().atMost(Duration.ofSeconds(20)).until(() -> accepts(bouncerPort));
      Map<String, String> env = client.environment(db, "127.0.0.1", bouncerPort, Map.of(
        "PG_TRANSACTION_POOLER", "true", "PG_DIRECT_HOST", db.host(), "PG_DIRECT_PORT", String.valueOf(db.port()),
        "PG_POOL_SIZE", "12", "DB_MIGRATE_ON_START", "true"));
      try (ServiceProcess service = ServiceProcess.start(ServiceProcess.workingDirectory(dir.resolve("service")), env)
        .awaitListening()) {
        await().atMost(Duration.ofSeconds(30)).until(() -> client.get("/health/ready").statusCode() == 200);

        List<CompletableFuture<Integer>> deliveries = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
          JsonObject event = CisiveEvents.created("evt-bouncer-" + i, "ORD-BOUNCER-" + i);
          deliveries.add(CompletableFuture.supplyAsync(() -> client.postCisive(event)));
        }
        assertThat(deliveries).allSatisfy(delivery -> assertThat(delivery.get()).isEqualTo(200));
        assertThat(client.postCisive(CisiveEvents.created("evt-bouncer-0", "ORD-BOUNCER-0"))).isEqualTo(200);

        faults.failOrder("ORD-BOUNCER-FAIL");
        assertThat(client.postCisive(CisiveEvents.created("evt-bouncer-fail", "ORD-BOUNCER-FAIL"))).isEqualTo(202);
        faults.heal("ORD-BOUNCER-FAIL");
        await().atMost(Duration.ofSeconds(30)).until(() -> "processed".equals(db.one(
          "SELECT status FROM webhook_events WHERE event_id = 'evt-bouncer-fail'").getString("status")));

        String admin = client.token("operator", "webhooks:admin");
        for (String path : List.of("/api/webhooks/events/evt-bouncer-7", "/api/webhooks/statistics",
          "/api/orders/ORD-BOUNCER-7")) {
          ProcessClient.Answer answer = client.send(HttpRequest.newBuilder(URI.create(client.base() + path))
            .header("Authorization", "Bearer " + admin).build());
          assertThat(answer.statusCode()).as(path + " " + answer.body()).isEqualTo(200);
        }
        assertThat(db.count("SELECT count(*) FROM webhook_events WHERE event_id LIKE 'evt-bouncer-%'"))
          .isEqualTo(41);
        // The service's pools reach PostgreSQL only through PgBouncer's pool; LISTEN connects directly.
        assertThat(db.count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
          + " AND application_name = 'webhook-inbox' AND query NOT ILIKE 'LISTEN%'")).isLessThanOrEqualTo(SERVER_POOL);
      }
    } finally {
      bouncer.destroy();
      bouncer.waitFor();
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
