package io.webhookinbox.ingest;

import io.vertx.core.json.JsonObject;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.ProcessClient;
import io.webhookinbox.support.ServiceProcess;
import io.webhookinbox.support.TestDatabase;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One order locked by another session (a long transaction, an operator's erasure, a migration) while deliveries for
 * it and for 40 fresh orders arrive at once, against the packaged service: the group commits that meet the lock
 * give up after a short wait and store their deliveries one by one, so the locked order costs its own delivery
 * (stored and queued for a retry, which applies it once the lock is gone), never its neighbours' time.
 */
@ExtendWith(PostgresExtension.class)
class LockedOrderIT {
  private static final int NEIGHBOURS = 40;
  /** Far below the processing timeout (10 s): the neighbours wait for no lock. */
  private static final long NEIGHBOUR_BOUND_MS = 3000;

  @Test
  void aLockedOrderDelaysOnlyItsOwnDelivery(TestDatabase db, @TempDir Path dir) throws Exception {
    try (ProcessClient client = new ProcessClient();
         ServiceProcess service = ServiceProcess.start(ServiceProcess.workingDirectory(dir),
           client.environment(db, Map.of())).awaitListening()) {
      assertThat(client.postCisive(CisiveEvents.created("evt-locked-0", "ORD-LOCKED"))).isEqualTo(200);
      for (int i = 0; i < 4; i++) {
        assertThat(client.postCisive(CisiveEvents.created("evt-locked-warm-" + i, "ORD-LOCKED-WARM-" + i)))
          .isEqualTo(200);
      }
      CompletableFuture<Integer> locked;
      List<CompletableFuture<Long>> neighbours = new ArrayList<>();
      try (Connection blocker = db.connect(); Statement statement = blocker.createStatement()) {
        blocker.setAutoCommit(false);
        statement.execute("SELECT * FROM orders WHERE external_order_id = 'ORD-LOCKED' FOR UPDATE");

        JsonObject update = CisiveEvents.event("evt-locked-1", "OrderUpdated", "2026-11-20T11:00:00Z", "ORD-LOCKED",
          "Completed");
        locked = client.postCisiveAsync(update);
        for (int i = 0; i < NEIGHBOURS; i++) {
          JsonObject fresh = CisiveEvents.created("evt-locked-fresh-" + i, "ORD-LOCKED-FRESH-" + i);
          long started = System.nanoTime();
          neighbours.add(client.postCisiveAsync(fresh).thenApply(status -> {
            assertThat(status).isEqualTo(200);
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
          }));
        }
        List<Long> millis = new ArrayList<>();
        for (CompletableFuture<Long> neighbour : neighbours) {
          millis.add(neighbour.get(30, TimeUnit.SECONDS));
        }
        assertThat(millis).as("milliseconds each neighbour waited").allSatisfy(ms ->
          assertThat(ms).isLessThan(NEIGHBOUR_BOUND_MS));
        assertThat(locked.get(NEIGHBOUR_BOUND_MS, TimeUnit.MILLISECONDS)).as("stored and queued").isEqualTo(202);
        blocker.rollback();
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> db.count("SELECT count(*) FROM webhook_events"
        + " WHERE event_id = 'evt-locked-1' AND status = 'processed'") == 1);
      assertThat(db.one("SELECT status, version FROM orders WHERE external_order_id = 'ORD-LOCKED'"))
        .isEqualTo(new JsonObject().put("status", "Completed").put("version", 2));
      assertThat(db.count("SELECT count(*) FROM webhook_events WHERE event_id LIKE 'evt-locked-fresh-%'"
        + " AND status = 'processed'")).isEqualTo(NEIGHBOURS);
      assertThat(client.get("/metrics").body())
        .containsPattern("webhook_group_commit_fallbacks_total\\{[^}]*reason=\"lock\"[^}]*\\} [1-9]");
    }
  }
}
