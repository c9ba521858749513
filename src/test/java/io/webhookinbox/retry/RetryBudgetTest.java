package io.webhookinbox.retry;

import io.vertx.core.json.JsonObject;
import io.webhookinbox.db.ConnectionBudget;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.FaultInjection;
import io.webhookinbox.support.InboxExtension;
import io.webhookinbox.support.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Retries have a connection budget of their own: with every retry stuck (its order row locked by another session)
 * at most the retry pool's connections wait, and new deliveries keep getting 200 on theirs.
 */
@ExtendWith(PostgresExtension.class)
class RetryBudgetTest {
  private static final int POOL_SIZE = 16;
  /** The retry pool's share of the replica's connections (see ConnectionBudget): 2 here. */
  private static final int RETRY_CONNECTIONS = ConnectionBudget.of(POOL_SIZE, 2).retry();
  /** More than the retry connections' worth of transactions: the scheduler attempts a chunk of claims in each. */
  private static final int STUCK_RETRIES = RETRY_CONNECTIONS * RetryScheduler.ATTEMPTS_PER_TRANSACTION + 8;
  private static FaultInjection faults;
  @RegisterExtension
  static final InboxExtension inbox = new InboxExtension(new JsonObject()
    .put("webhooks", new JsonObject().put("timeoutSeconds", 60))
    .put("database", new JsonObject().put("poolSize", POOL_SIZE))
    .put("retry", new JsonObject().put("initialDelayMs", 100).put("maxDelayMs", 500).put("maxAttempts", 100))
    .put("scheduler", new JsonObject().put("pollIntervalMs", 500)),
    database -> faults = FaultInjection.install(database));

  @Test
  void stuckRetriesHoldOnlyTheirOwnConnectionsAndDeliveriesGoOn() throws Exception {
    assertThat(inbox.service().postCisive(CisiveEvents.created("evt-budget-0", "ORD-BUDGET")).statusCode())
      .isEqualTo(200);
    // All stuck retries become due at once: one claim hands them all to the worker together.
    inbox.service().server().settings().applyOverrides(new JsonObject().put("scheduler", new JsonObject().put("enabled", false)));
    try (Connection blocker = inbox.db().connect(); Statement statement = blocker.createStatement()) {
      faults.failOrder("ORD-BUDGET");
      for (int i = 1; i <= STUCK_RETRIES; i++) {
        assertThat(inbox.service().postCisive(CisiveEvents.event("evt-budget-" + i, "OrderUpdated",
          "2026-11-20T10:00:" + String.format("%02d", i) + "Z", "ORD-BUDGET", "InProgress")).statusCode()).isEqualTo(202);
      }
      blocker.setAutoCommit(false);
      statement.execute("SELECT * FROM orders WHERE external_order_id = 'ORD-BUDGET' FOR UPDATE");
      faults.heal("ORD-BUDGET");
      inbox.service().server().settings().applyOverrides(new JsonObject());
      await().atMost(Duration.ofSeconds(30)).until(() -> waitingOnLocks() == RETRY_CONNECTIONS);

      for (int i = 0; i < 10; i++) {
        assertThat(inbox.service().postCisive(CisiveEvents.created("evt-budget-new-" + i, "ORD-BUDGET-NEW-" + i))
          .statusCode()).isEqualTo(200);
        assertThat(waitingOnLocks()).isLessThanOrEqualTo(RETRY_CONNECTIONS);
      }
      blocker.rollback();
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> inbox.db().count("SELECT count(*) FROM webhook_events"
      + " WHERE event_id LIKE 'evt-budget-%' AND event_id NOT LIKE 'evt-budget-new-%'"
      + " AND status IN ('processed', 'stale')") == STUCK_RETRIES + 1);
  }

  private static long waitingOnLocks() {
    return inbox.db().count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
      + " AND wait_event_type = 'Lock'");
  }
}
