package io.webhookinbox.ingest;

import io.vertx.core.Vertx;
import io.webhookinbox.db.BoundedPool;
import io.webhookinbox.db.DbErrors;
import io.webhookinbox.events.EventClaims;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes every replica's scheduler (NOTIFY) when failures were queued, at most once per {@link #COALESCE_MS} per
 * ingest verticle: a burst of failures is one wake-up, not one per failure times the replicas. Sent after the failures
 * committed, so a woken scheduler finds them; the scheduler's own polling remains the backstop. Runs on the
 * ingest verticle's event loop only.
 */
final class RetryWakeUp {
  static final long COALESCE_MS = 250;
  private static final Logger LOG = LoggerFactory.getLogger(RetryWakeUp.class);

  private final Vertx vertx;
  private final BoundedPool pool;
  private boolean pending;

  RetryWakeUp(Vertx vertx, BoundedPool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  void request() {
    if (pending) {
      return;
    }
    pending = true;
    vertx.setTimer(COALESCE_MS, id -> {
      pending = false;
      pool.withConnection(EventClaims::notifyDue)
        .onFailure(failure -> LOG.warn("Waking the schedulers failed; they poll anyway: {}", DbErrors.describe(failure)));
    });
  }
}
