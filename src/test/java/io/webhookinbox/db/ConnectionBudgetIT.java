package io.webhookinbox.db;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code database.poolSize} is the replica's total: under concurrent deliveries, operator reads, statistics and
 * probes the packaged service never holds more pooled connections than that, plus its two LISTEN connections.
 */
@ExtendWith(PostgresExtension.class)
class ConnectionBudgetIT {
  private static final int POOL_SIZE = 8;

  @Test
  void aReplicaNeverOpensMoreThanPoolSizePlusItsListenConnections(TestDatabase db, @TempDir Path dir)
    throws Exception {
    try (ProcessClient client = new ProcessClient();
         ServiceProcess service = ServiceProcess.start(ServiceProcess.workingDirectory(dir),
           client.environment(db, Map.of("PG_POOL_SIZE", String.valueOf(POOL_SIZE)))).awaitListening()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> client.get("/health/ready").statusCode() == 200);
      AtomicBoolean loading = new AtomicBoolean(true);
      AtomicLong mostPooled = new AtomicLong();
      CompletableFuture<Void> watcher = CompletableFuture.runAsync(() -> {
        while (loading.get()) {
          mostPooled.accumulateAndGet(sessions(db, "webhook-inbox"), Math::max);
          try {
            // Sampling, not awaiting: a short pause between looks at pg_stat_activity.
            Thread.sleep(20);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      });
      String admin = client.token("operator", "webhooks:admin");
      List<CompletableFuture<Integer>> load = new ArrayList<>();
      for (int i = 0; i < 80; i++) {
        int n = i;
        load.add(CompletableFuture.supplyAsync(() -> switch (n % 4) {
          case 0 -> client.send(HttpRequest.newBuilder(URI.create(client.base() + "/api/webhooks/statistics"))
            .header("Authorization", "Bearer " + admin).build()).statusCode();
          case 1 -> client.get("/health/ready").statusCode();
          default -> client.postCisive(CisiveEvents.created("evt-budget-" + n, "ORD-BUDGET-" + n));
        }));
      }
      for (CompletableFuture<Integer> request : load) {
        assertThat(request.get()).isIn(200, 503);
      }
      loading.set(false);
      watcher.get();

      assertThat(mostPooled.get()).isPositive().isLessThanOrEqualTo(POOL_SIZE);
      assertThat(sessions(db, "webhook-inbox-listen")).isEqualTo(ConnectionBudget.LISTEN_CONNECTIONS);
    }
  }

  private static long sessions(TestDatabase db, String applicationName) {
    return db.count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
      + " AND application_name = ?", applicationName);
  }
}
