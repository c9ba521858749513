package io.webhookinbox.retention;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.webhookinbox.db.BoundedPool;
import io.webhookinbox.db.DbErrors;
import io.webhookinbox.telemetry.InboxMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Four times a second, merges the payload search index's pending list into the index (V22), so that no group
 * commit has to: the merge a delivery would otherwise do inline, once the list passes 4 MB, holds its whole batch
 * for 100-200 ms. Often enough that the list stays well below that at the closed loop's ~6,000 events/s (about
 * 8 MB of pending entries a second). One replica at a time (the function takes an advisory lock; the others' calls
 * return at once). Runs on the operator pool, whose deadline bounds it; one call at a time.
 */
public final class PayloadIndexVerticle extends VerticleBase {
  static final String FLUSH = "SELECT webhook_inbox_flush_payload_index() AS pages";
  static final long INTERVAL_MS = 250;
  private static final Logger LOG = LoggerFactory.getLogger(PayloadIndexVerticle.class);

  private final BoundedPool pool;
  private final InboxMetrics metrics;
  private long timerId = -1;
  private boolean stopped;
  private boolean failing;
  private Future<?> running = Future.succeededFuture();

  public PayloadIndexVerticle(BoundedPool pool, InboxMetrics metrics) {
    this.pool = pool;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    schedule();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timerId);
    return running.otherwiseEmpty();
  }

  private void schedule() {
    if (!stopped) {
      timerId = vertx.setTimer(INTERVAL_MS, id -> {
        running = flush();
        running.onComplete(done -> schedule());
      });
    }
  }

  private Future<Long> flush() {
    return pool.query(FLUSH)
      .map(rows -> rows.iterator().next().getLong("pages"))
      .onSuccess(pages -> {
        if (pages != null) {
          metrics.payloadIndexFlushed(pages);
        }
        if (failing) {
          failing = false;
          LOG.info("Payload index flush works again");
        }
      })
      .onFailure(failure -> {
        // Once per outage, not four times a second: the deliveries' own errors say the rest.
        if (!failing) {
          failing = true;
          LOG.warn("Payload index flush failed; deliveries merge the pending list themselves meanwhile: {}",
            DbErrors.describe(failure));
        }
      });
  }
}
