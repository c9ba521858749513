package io.webhookinbox.ingest;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.webhookinbox.config.RuntimeSettings;
import io.webhookinbox.db.BoundedPool;
import io.webhookinbox.db.DbErrors;
import io.webhookinbox.events.Backoff;
import io.webhookinbox.events.EventClaims;
import io.webhookinbox.events.EventClaims.Claim;
import io.webhookinbox.events.EventStatus;
import io.webhookinbox.source.SourceApplier;
import io.webhookinbox.telemetry.InboxMetrics;
import io.webhookinbox.telemetry.LogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Attempts at claimed events (retries, an operator's replay), under their leases, on the retry pool. The claims of
 * one scheduler poll are attempted in one transaction, so PostgreSQL commits and flushes once for them all; when any
 * of them fails, nothing of that transaction is kept and each is attempted alone, where a failure is recorded in a
 * transaction of its own with the next attempt time, or as dead when no retry is left.
 */
final class Attempts {
  private static final Logger LOG = LoggerFactory.getLogger(Attempts.class);

  /** Wraps one claim's part of the work, e.g. in its trace span. */
  interface PerClaim {
    Future<EventStatus> around(Claim claim, Supplier<Future<EventStatus>> work);
  }

  private final BoundedPool pool;
  private final Appliers appliers;
  private final RuntimeSettings settings;
  private final InboxMetrics metrics;
  private final RetryWakeUp wakeUp;

  Attempts(BoundedPool pool, Appliers appliers, RuntimeSettings settings, InboxMetrics metrics, RetryWakeUp wakeUp) {
    this.pool = pool;
    this.appliers = appliers;
    this.settings = settings;
    this.metrics = metrics;
    this.wakeUp = wakeUp;
  }

  /**
   * Completes with the status each event ended in, in order; null for one whose lease was lost (another replica
   * reclaimed the event after it expired): then nothing was changed for it here.
   */
  Future<List<EventStatus>> attempt(List<Claim> claims, PerClaim perClaim) {
    if (claims.size() == 1) {
      return alone(claims, perClaim);
    }
    return pool.withTransaction(connection -> attemptOn(connection, claims, perClaim))
      .map(attempted -> {
        attempted.forEach(this::ended);
        return attempted.stream().map(Attempted::status).toList();
      })
      .recover(failure -> {
        LOG.info("Attempting {} claimed events together failed, attempting them one by one: {}", claims.size(),
          DbErrors.describe(failure));
        return alone(claims, perClaim);
      });
  }

  private Future<List<EventStatus>> alone(List<Claim> claims, PerClaim perClaim) {
    List<Future<EventStatus>> attempts = claims.stream()
      .map(claim -> perClaim.around(claim, () -> attempt(claim))).toList();
    // Waits for every attempt, so the scheduler's bound on the work in flight holds when one fails.
    return Future.join(attempts).map(all -> attempts.stream().map(Future::result).toList());
  }

  private Future<EventStatus> attempt(Claim claim) {
    OffsetDateTime startedAt = OffsetDateTime.now(ZoneOffset.UTC);
    return pool.withTransaction(connection -> attemptOn(connection, List.of(claim), (alone, work) -> work.get()))
      .map(attempted -> {
        ended(attempted.get(0));
        return attempted.get(0).status();
      })
      .recover(failure -> failure instanceof AttemptFailed failed
        ? recordFailure(claim, failed.claimed, failed.getCause(), startedAt)
        : Future.failedFuture(failure));
  }

  /**
   * The claims' attempts in the caller's transaction: loaded and locked together, applied one by one, then ended and
   * logged together, so PostgreSQL plans, fires its statement triggers and logs once for them all rather than once
   * per event. Fails with {@link AttemptFailed} when applying one fails.
   */
  private Future<List<Attempted>> attemptOn(SqlConnection connection, List<Claim> claims, PerClaim perClaim) {
    return EventClaims.load(connection, claims).compose(loaded -> {
      List<Attempted> attempted = new ArrayList<>(claims.size());
      Future<EventStatus> chain = Future.succeededFuture();
      for (Claim claim : claims) {
        chain = chain.compose(previous -> perClaim.around(claim, () -> apply(connection, claim,
          loaded.get(claim.rowId())).map(done -> {
            attempted.add(done);
            return done.status();
          })));
      }
      return chain.compose(last -> EventClaims.finish(connection, attempted.stream()
          .filter(done -> done.claimed() != null).map(Attempted::finished).toList()))
        .map(attempted);
    });
  }

  /** One claim's attempt, not yet ended; {@code claimed} is null when its lease was lost. */
  private Future<Attempted> apply(SqlConnection connection, Claim claim, EventClaims.Claimed claimed) {
    if (claimed == null) {
      return Future.succeededFuture(new Attempted(claim, null, null));
    }
    long startedNanos = System.nanoTime();
    OffsetDateTime startedAt = OffsetDateTime.now(ZoneOffset.UTC);
    LogContext.bind(claimed.event().correlationId(), claimed.event().eventId());
    SourceApplier applier = appliers.of(claimed.event().source());
    if (!settings.webhooks().enabled(claimed.event().eventType())
      || applier != null && !applier.applicable(claimed.event())) {
      // A replayed ignored event whose type is still not enabled (or that can never apply) stays ignored.
      return Future.succeededFuture(new Attempted(claim, claimed, new EventClaims.Finished(claim, claimed.attempts(),
        startedAt, EventStatus.IGNORED, null, null)));
    }
    return appliers.apply(connection, claimed.event())
      .map(applied -> new Attempted(claim, claimed, new EventClaims.Finished(claim, claimed.attempts(), startedAt,
        applied.status(), applied.resourceVersion(), Appliers.elapsedMs(startedNanos))))
      .recover(failure -> Future.failedFuture(new AttemptFailed(failure, claimed)));
  }

  /** After the commit, on the claim's own log context. */
  private void ended(Attempted attempted) {
    if (attempted.claimed() == null) {
      LogContext.bind(attempted.claim().correlationId(), null);
      LOG.info("Lease on event row {} was lost; another replica owns the attempt", attempted.claim().rowId());
      return;
    }
    LogContext.bind(attempted.claimed().event().correlationId(), attempted.claimed().event().eventId());
    if (attempted.status() != EventStatus.IGNORED) {
      LOG.info("Event {} {}", attempted.claimed().event().eventType(), attempted.status().db());
    }
    LOG.info("Retry ended {}", attempted.status().db());
    metrics.retried(attempted.claim().source(), attempted.status().db());
  }

  private Future<EventStatus> recordFailure(Claim claim, EventClaims.Claimed claimed, Throwable cause,
                                            OffsetDateTime startedAt) {
    String error = DbErrors.describe(cause);
    Backoff.Next next = Backoff.afterFailure(settings.retry(), claimed.attempts(),
      ThreadLocalRandom.current().nextDouble());
    EventStatus status = next.dead() ? EventStatus.DEAD : EventStatus.FAILED;
    return pool.withTransaction(connection -> EventClaims.fail(connection, claim, status, next.delayMs(), error)
      .compose(owned -> {
        if (!owned) {
          return Future.succeededFuture((EventStatus) null);
        }
        LOG.warn("Retry {} of event {} failed, now {} (next in {} ms): {}", claimed.attempts() - 1,
          claimed.event().eventType(), status.db(), next.delayMs(), error);
        return EventClaims.recordAttempt(connection, claim.rowId(), claim.receivedAt(), claimed.attempts(), startedAt,
            status.db(), error)
          .map(recorded -> {
            if (status == EventStatus.DEAD) {
              LOG.warn("Event dead-lettered after {} attempt(s); last error: {}", claimed.attempts(), error);
              metrics.deadLettered(claimed.event().source());
            }
            return status;
          });
      }))
      .onSuccess(ended -> {
        if (ended == null) {
          LOG.info("Lease on event row {} was lost; another replica owns the attempt", claim.rowId());
          return;
        }
        LOG.info("Retry ended {}", ended.db());
        metrics.retried(claim.source(), ended.db());
        if (ended == EventStatus.FAILED) {
          wakeUp.request();
        }
      });
  }

  /** How one claim's attempt ended: {@code claimed} and {@code finished} are null when its lease was lost. */
  private record Attempted(Claim claim, EventClaims.Claimed claimed, EventClaims.Finished finished) {
    EventStatus status() {
      return finished == null ? null : finished.status();
    }
  }

  /** The attempt failed after the claimed event was locked in the same transaction. */
  private static final class AttemptFailed extends RuntimeException {
    private final transient EventClaims.Claimed claimed;

    AttemptFailed(Throwable cause, EventClaims.Claimed claimed) {
      super(cause.getMessage(), cause, false, false);
      this.claimed = claimed;
    }
  }
}
