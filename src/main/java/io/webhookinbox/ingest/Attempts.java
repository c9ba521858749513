package io.webhookinbox.ingest;

import io.vertx.core.Future;
import io.webhookinbox.config.RuntimeSettings;
import io.webhookinbox.db.BoundedPool;
import io.webhookinbox.db.DbErrors;
import io.webhookinbox.events.Backoff;
import io.webhookinbox.events.EventClaims;
import io.webhookinbox.events.EventClaims.Claim;
import io.webhookinbox.events.EventStatus;
import io.webhookinbox.events.EventStore;
import io.webhookinbox.source.SourceApplier;
import io.webhookinbox.telemetry.InboxMetrics;
import io.webhookinbox.telemetry.LogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One attempt at a claimed event (a retry, or an operator's replay), under its lease, on the retry pool. A failure is
 * recorded in a transaction of its own with the next attempt time, or as dead when no retry is left.
 */
final class Attempts {
  private static final Logger LOG = LoggerFactory.getLogger(Attempts.class);

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
   * Completes with the status the event ended in, or null when the lease was lost (another replica reclaimed the
   * event after it expired): then nothing was changed here.
   */
  Future<EventStatus> attempt(Claim claim) {
    long startedNanos = System.nanoTime();
    OffsetDateTime startedAt = OffsetDateTime.now(ZoneOffset.UTC);
    return pool.withTransaction(connection -> EventClaims.load(connection, claim)
        .compose(claimed -> {
          if (claimed == null) {
            return Future.succeededFuture((EventStatus) null);
          }
          LogContext.bind(claimed.event().correlationId(), claimed.event().eventId());
          SourceApplier applier = appliers.of(claimed.event().source());
          if (!settings.webhooks().enabled(claimed.event().eventType())
            || applier != null && !applier.applicable(claimed.event())) {
            // A replayed ignored event whose type is still not enabled (or that can never apply) stays ignored.
            return EventStore.finish(connection, claim.rowId(), claim.receivedAt(), EventStatus.IGNORED, null, null)
              .compose(done -> EventClaims.recordAttempt(connection, claim.rowId(), claim.receivedAt(),
                claimed.attempts(), startedAt, EventStatus.IGNORED.db(), null))
              .map(EventStatus.IGNORED);
          }
          return appliers.applyAndFinish(connection, claim.rowId(), claim.receivedAt(), claimed.event(), startedNanos)
            .compose(applied -> {
              LOG.info("Event {} {}", claimed.event().eventType(), applied.status().db());
              return EventClaims.recordAttempt(connection, claim.rowId(), claim.receivedAt(), claimed.attempts(),
                startedAt, applied.status().db(), null).map(applied.status());
            })
            .recover(failure -> Future.failedFuture(new AttemptFailed(failure, claimed)));
        }))
      .recover(failure -> failure instanceof AttemptFailed failed
        ? recordFailure(claim, failed.claimed, failed.getCause(), startedAt)
        : Future.failedFuture(failure))
      .onSuccess(status -> {
        if (status == null) {
          LOG.info("Lease on event row {} was lost; another replica owns the attempt", claim.rowId());
        } else {
          LOG.info("Retry ended {}", status.db());
        }
      });
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
        if (ended == EventStatus.FAILED) {
          wakeUp.request();
        }
      });
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
