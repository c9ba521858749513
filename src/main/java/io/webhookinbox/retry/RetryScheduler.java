package io.webhookinbox.retry;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.webhookinbox.config.DatabaseConfig;
import io.webhookinbox.config.RuntimeSettings;
import io.webhookinbox.config.SchedulerConfig;
import io.webhookinbox.db.BoundedPool;
import io.webhookinbox.db.DbErrors;
import io.webhookinbox.db.Listener;
import io.webhookinbox.events.EventClaims;
import io.webhookinbox.events.EventClaims.Claim;
import io.webhookinbox.events.EventClaims.DeadLettered;
import io.webhookinbox.ingest.IngestClient;
import io.webhookinbox.telemetry.InboxMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Finds due retries and hands them to the ingest verticle that attempts them. Each poll claims a batch with
 * {@code FOR UPDATE SKIP LOCKED} and a lease, so replicas never work the same event at once and an event whose
 * replica died (lease ran out) is claimed again. Between polls it sleeps until the next event is due (at most the
 * poll interval), and a NOTIFY from any replica wakes it at once; an idle poll is two index lookups on small
 * partial indexes.
 */
public final class RetryScheduler extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RetryScheduler.class);
  private static final long MIN_DELAY_MS = 25;
  private static final long LOCKED_DUE_BACKOFF_MS = 1000;
  /**
   * Claims attempted in one transaction: large enough that PostgreSQL's commit is paid once for many, small enough
   * that a poll's batch still runs on several retry connections at once and one failing claim (which sends its
   * chunk one by one) costs little.
   */
  static final int ATTEMPTS_PER_TRANSACTION = 16;

  private final DatabaseConfig database;
  private final BoundedPool pool;
  private final RuntimeSettings settings;
  private final InboxMetrics metrics;
  private final LeaseRescuer rescuer;
  private Listener listener;
  private boolean polling;
  private boolean pollAgain;
  private boolean stopped;
  private long timerId = -1;
  private Future<Integer> inFlightBatch = Future.succeededFuture(0);

  /** @param pool the replica's scheduler pool (shared with operator replays) */
  public RetryScheduler(DatabaseConfig database, BoundedPool pool, RuntimeSettings settings, InboxMetrics metrics) {
    this.database = database;
    this.pool = pool;
    this.settings = settings;
    this.metrics = metrics;
    this.rescuer = new LeaseRescuer(metrics);
  }

  @Override
  public Future<?> start() {
    listener = Listener.start(vertx, database, EventClaims.RETRY_CHANNEL, payload -> pollSoon(),
      subscribed -> pollSoon(), 1000, LOG);
    pollSoon();
    return Future.succeededFuture();
  }

  /** Stops claiming; the batch already handed over gets a bounded time to finish (leases cover the rest). */
  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timerId);
    return Future.join(listener.close(), inFlightBatch.timeout(10, TimeUnit.SECONDS).otherwiseEmpty());
  }

  private void pollSoon() {
    if (stopped) {
      return;
    }
    if (polling) {
      pollAgain = true;
      return;
    }
    vertx.cancelTimer(timerId);
    poll();
  }

  private void poll() {
    polling = true;
    SchedulerConfig config = settings.scheduler();
    Future<Long> nextDelay;
    if (config.enabled()) {
      inFlightBatch = claimAndDispatch(config);
      nextDelay = inFlightBatch.compose(claimed -> claimed >= config.batchSize()
        ? Future.succeededFuture(0L) : nextDueInMs(config, claimed == 0));
    } else {
      nextDelay = Future.succeededFuture(config.pollIntervalMs());
    }
    nextDelay.onComplete(result -> {
      polling = false;
      long delay;
      if (result.failed()) {
        LOG.warn("Retry poll failed: {}", DbErrors.describe(result.cause()));
        delay = config.pollIntervalMs();
      } else {
        delay = result.result();
      }
      if (pollAgain) {
        pollAgain = false;
        delay = 0;
      }
      schedule(delay);
    });
  }

  private void schedule(long delayMs) {
    if (stopped) {
      return;
    }
    if (delayMs <= 0) {
      // Re-poll on the next turn of the event loop, not recursively.
      timerId = -1;
      vertx.runOnContext(v -> pollSoon());
    } else {
      timerId = vertx.setTimer(delayMs, id -> pollSoon());
    }
  }

  /**
   * Dead-letters the expired claims that used the last attempt, claims up to a batch, hands it over in chunks of
   * {@link #ATTEMPTS_PER_TRANSACTION} and waits until every claimed event's attempt ended, which bounds the work in
   * flight.
   */
  private Future<Integer> claimAndDispatch(SchedulerConfig config) {
    int maxAttempts = settings.retry().maxAttempts();
    List<DeadLettered> dead = new ArrayList<>();
    return pool.withTransaction(connection -> EventClaims.lockForManyRows(connection)
        .compose(locked -> rescuer.rescue(connection, maxAttempts, config.batchSize()))
        .compose(rescued -> {
          dead.addAll(rescued);
          return EventClaims.claimDue(connection, config.batchSize(), config.leaseTimeoutMs(), maxAttempts);
        }))
      .onSuccess(committed -> rescuer.report(dead))
      .compose(claims -> {
        List<Future<?>> attempts = new ArrayList<>();
        for (int from = 0; from < claims.size(); from += ATTEMPTS_PER_TRANSACTION) {
          List<Claim> chunk = claims.subList(from, Math.min(claims.size(), from + ATTEMPTS_PER_TRANSACTION));
          attempts.add(IngestClient.attempt(vertx.eventBus(), List.copyOf(chunk), config.leaseTimeoutMs()));
        }
        return Future.join(attempts).transform(done -> Future.succeededFuture(claims.size()));
      });
  }

  /**
   * @param claimedNothing an event due now that this poll could not claim is locked by someone: another replica
   *                       claiming it, or an attempt running past its lease. Wait a second rather than spin.
   */
  private Future<Long> nextDueInMs(SchedulerConfig config, boolean claimedNothing) {
    return pool.withConnection(EventClaims::nextDue).map(due -> {
      metrics.retryBacklog(due.backlog());
      if (due.inMs() == null) {
        return config.pollIntervalMs();
      }
      long dueIn = due.inMs();
      long delay = dueIn > 0 ? dueIn : claimedNothing ? LOCKED_DUE_BACKOFF_MS : MIN_DELAY_MS;
      return Math.min(config.pollIntervalMs(), Math.max(MIN_DELAY_MS, delay));
    });
  }
}
