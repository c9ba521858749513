package io.webhookinbox.ingest;

import io.vertx.core.Future;
import io.webhookinbox.db.BoundedPool;
import io.webhookinbox.db.BoundedPool.LockWaits;
import io.vertx.sqlclient.SqlConnection;
import io.webhookinbox.db.DbErrors;
import io.webhookinbox.telemetry.LogContext;
import io.webhookinbox.telemetry.InboxMetrics;
import io.webhookinbox.config.RuntimeSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The transactions behind the worker. A new delivery is recorded and applied in one transaction; a claimed retry
 * is applied under its lease. When applying fails, the event is committed as {@code failed} (or {@code dead})
 * with the error and its next attempt time, in a transaction of its own, so nothing half-applied remains.
 */
final class Inbox {
  private static final Logger LOG = LoggerFactory.getLogger(Inbox.class);

  private final BoundedPool pool;
  private final Map<String, SourceApplier> appliers;
  private final RuntimeSettings settings;
  private final InboxMetrics metrics;
  private final RetryWakeUp wakeUp;

  Inbox(BoundedPool pool, Map<String, SourceApplier> appliers, RuntimeSettings settings, InboxMetrics metrics,
        RetryWakeUp wakeUp) {
    this.pool = pool;
    this.wakeUp = wakeUp;
    this.appliers = Map.copyOf(appliers);
    this.settings = settings;
    this.metrics = metrics;
  }

  Future<IngestOutcome> ingest(IngestCommand command, String correlationId, String principal) {
    return ingest(command, correlationId, principal, LockWaits.DEADLINE);
  }

  /**
   * @param waits {@link LockWaits#SHORT}: a resource locked elsewhere past the short wait is a failed apply, so
   *              the event is stored and queued for a retry (202) instead of holding a connection the worker needs
   */
  private Future<IngestOutcome> ingest(IngestCommand command, String correlationId, String principal,
                                       LockWaits waits) {
    EventStatus initial = command.apply() ? EventStatus.PROCESSING : EventStatus.IGNORED;
    return pool.withTransaction(waits, connection -> EventStore.insertNew(connection, command, correlationId, principal,
          initial)
        .compose(id -> {
          if (id == null) {
            return duplicate(connection, command);
          }
          if (!command.apply()) {
            return Future.succeededFuture(outcome(command, IngestStatus.IGNORED, null));
          }
          StoredEvent event = new StoredEvent(command.source(), command.eventId(), command.eventType(),
            command.externalId(), command.occurredAt(), command.payload(), principal, correlationId);
          // The event row is in; whatever fails from here on is a processing failure to retry, not a lost event.
          return apply(connection, id, command.receivedAtUtc(), event, command.receivedNanos())
            .map(applied -> outcome(command, applied.stale() ? IngestStatus.STALE : IngestStatus.PROCESSED,
              applied.resourceVersion()))
            .recover(failure -> Future.failedFuture(new ApplyFailed(failure)));
        }))
      .recover(failure -> failure instanceof ApplyFailed applyFailed
        ? queueFirstFailure(command, correlationId, principal, applyFailed.getCause())
        : Future.failedFuture(failure))
      .onSuccess(result -> recordMetrics(command, result));
  }

  private void recordMetrics(IngestCommand command, IngestOutcome result) {
    metrics.received(command.source(), command.eventType(), result.status().json());
    if (result.status() == IngestStatus.PROCESSED || result.status() == IngestStatus.STALE) {
      metrics.processed(command.source(), Duration.ofNanos(System.nanoTime() - command.receivedNanos()));
    }
  }

  /**
   * A group commit of new deliveries of one source, distinct event ids, in one statement
   * ({@code statement}, from {@link EventStore#batchStatement}), which PostgreSQL commits on its own: no BEGIN and
   * COMMIT round trips. When the statement fails for a reason of its own (an event PostgreSQL refuses, a row lock
   * held elsewhere past the pool's short lock wait), nothing of the batch is kept and each delivery runs alone, so
   * one bad event or one locked order cannot fail or delay its neighbours; a batch of one
   * that could not be applied is queued for a retry at once, as a delivery of its own would be. A delivery whose
   * event another transaction stored meanwhile (another replica) left no trace in the batch and is answered alone.
   */
  Future<List<IngestOutcome>> ingestBatch(String source, String statement, List<Delivery> deliveries) {
    return pool.withConnection(LockWaits.SHORT, connection -> EventStore.ingestBatch(connection, statement, source,
        deliveries)
        .recover(failure -> Future.failedFuture(new BatchRefused(failure)))
        .compose(rows -> withStaleVersions(connection, appliers.get(source), deliveries, rows)))
      .compose(rows -> answer(source, deliveries, rows))
      .recover(failure -> failure instanceof BatchRefused refused
        ? storeAlone(source, deliveries, refused.getCause())
        : Future.failedFuture(failure));
  }

  /** The outcome of each delivery of a stored batch; those that lost their event's key are stored alone. */
  private Future<List<IngestOutcome>> answer(String source, List<Delivery> deliveries,
                                             List<EventStore.BatchRow> rows) {
    List<Future<IngestOutcome>> outcomes = new ArrayList<>(rows.size());
    int stored = 0;
    for (int i = 0; i < rows.size(); i++) {
      Delivery delivery = deliveries.get(i);
      IngestOutcome outcome = outcome(delivery.command(), rows.get(i));
      if (outcome == null) {
        outcomes.add(ingest(delivery.command(), delivery.correlationId(), delivery.principal()));
      } else {
        stored++;
        recordMetrics(delivery.command(), outcome);
        outcomes.add(Future.succeededFuture(outcome));
      }
    }
    metrics.groupCommitted(source, stored);
    if (stored < rows.size()) {
      metrics.groupCommitFellBack(source, "race");
    }
    return Future.all(outcomes).map(all -> all.list());
  }

  /**
   * The batch statement failed and kept nothing: each delivery runs alone; a batch of one that PostgreSQL refused
   * is queued for a retry. After a lock wait each waits briefly again: the one whose resource is still locked is
   * stored and queued for a retry (which waits for the lock on the retry pool), so no delivery of this worker waits
   * behind it.
   */
  private Future<List<IngestOutcome>> storeAlone(String source, List<Delivery> deliveries, Throwable failure) {
    boolean locked = DbErrors.lockNotAvailable(failure);
    if (!locked && DbErrors.unavailable(failure)) {
      return Future.failedFuture(failure);
    }
    if (locked) {
      metrics.groupCommitFellBack(source, "lock");
      LOG.info("A group commit of {} events met a row lock held elsewhere, storing them one by one",
        deliveries.size());
      return Future.all(deliveries.stream()
          .map(d -> ingest(d.command(), d.correlationId(), d.principal(), LockWaits.SHORT)).toList())
        .map(all -> all.list());
    }
    if (deliveries.size() == 1) {
      Delivery only = deliveries.get(0);
      return queueFirstFailure(only.command(), only.correlationId(), only.principal(), failure)
        .onSuccess(outcome -> recordMetrics(only.command(), outcome)).map(List::of);
    }
    metrics.groupCommitFellBack(source, "error");
    LOG.warn("A group commit of {} events failed, storing them one by one: {}", deliveries.size(),
      DbErrors.describe(failure));
    List<Future<IngestOutcome>> alone = deliveries.stream()
      .map(d -> ingest(d.command(), d.correlationId(), d.principal())).toList();
    return Future.all(alone).map(all -> all.list());
  }

  /**
   * A stale event whose resource another replica created after the batch's snapshot was stored without a
   * version; it gets the resource's version now (rare: a second statement only then).
   */
  private static Future<List<EventStore.BatchRow>> withStaleVersions(SqlConnection connection, SourceApplier applier,
                                                                     List<Delivery> deliveries,
                                                                     List<EventStore.BatchRow> rows) {
    Future<List<EventStore.BatchRow>> filled = Future.succeededFuture(new ArrayList<>(rows));
    for (int i = 0; i < rows.size(); i++) {
      if (rows.get(i).inserted() == EventStatus.STALE && rows.get(i).version() == null) {
        int index = i;
        IngestCommand command = deliveries.get(i).command();
        filled = filled.compose(list -> applier.currentVersion(connection, command.externalId())
          .compose(version -> EventStore.setResourceVersion(connection, command, version)
            .map(done -> {
              list.set(index, new EventStore.BatchRow(EventStatus.STALE, version, null));
              return list;
            })));
      }
    }
    return filled;
  }

  /** The worker's line for a delivery stored by a group commit; call it on the delivery's own context. */
  static void logStored(IngestCommand command, IngestOutcome outcome) {
    if (outcome.status() == IngestStatus.PROCESSED || outcome.status() == IngestStatus.STALE) {
      LOG.info("Event {} {}", command.eventType(), outcome.status().json());
    }
  }

  /** What a batch row says of its delivery; null when another transaction stored the event first. */
  private IngestOutcome outcome(IngestCommand command, EventStore.BatchRow row) {
    if (row.inserted() != null) {
      IngestStatus status = switch (row.inserted()) {
        case PROCESSED -> IngestStatus.PROCESSED;
        case STALE -> IngestStatus.STALE;
        default -> IngestStatus.IGNORED;
      };
      return outcome(command, status, row.version());
    }
    return row.existing() == null ? null : duplicateOutcome(command, row.existing());
  }

  /**
   * One attempt for an event this replica claimed. Completes with the status it ended in, or null when the lease
   * was lost (another replica reclaimed the event after it expired): then nothing was changed here.
   */
  Future<EventStatus> retry(long id, OffsetDateTime receivedAt, UUID leaseToken) {
    long startedNanos = System.nanoTime();
    OffsetDateTime startedAt = OffsetDateTime.now(ZoneOffset.UTC);
    return pool.withTransaction(connection -> EventStore.loadClaimed(connection, id, receivedAt, leaseToken)
        .compose(claimed -> {
          if (claimed == null) {
            return Future.succeededFuture((EventStatus) null);
          }
          LogContext.bind(claimed.event().correlationId(), claimed.event().eventId());
          SourceApplier applier = appliers.get(claimed.event().source());
          if (!settings.webhooks().enabled(claimed.event().eventType())
            || applier != null && !applier.applicable(claimed.event())) {
            // A replayed ignored event whose type is still not enabled (or that can never apply) stays ignored.
            return EventStore.finish(connection, id, receivedAt, EventStatus.IGNORED, null, null)
              .compose(done -> EventStore.recordAttempt(connection, id, receivedAt, claimed.attempts(), startedAt,
                EventStatus.IGNORED.db(), null))
              .map(EventStatus.IGNORED);
          }
          return apply(connection, id, receivedAt, claimed.event(), startedNanos)
            .compose(applied -> EventStore.recordAttempt(connection, id, receivedAt, claimed.attempts(), startedAt,
              applied.status().db(), null).map(applied.status()))
            .recover(failure -> Future.failedFuture(new ApplyFailed(failure, claimed)));
        }))
      .recover(failure -> failure instanceof ApplyFailed applyFailed
        ? recordFailedRetry(id, receivedAt, leaseToken, applyFailed.claimed, applyFailed.getCause(), startedAt)
        : Future.failedFuture(failure))
      .onSuccess(status -> {
        if (status == null) {
          LOG.info("Lease on event row {} was lost; another replica owns the attempt", id);
        } else {
          LOG.info("Retry ended {}", status.db());
        }
      });
  }

  private Future<Applied> apply(SqlConnection connection, long id, OffsetDateTime receivedAt, StoredEvent event,
                                long startedNanos) {
    SourceApplier applier = appliers.get(event.source());
    if (applier == null) {
      return Future.failedFuture(new IllegalStateException("No applier for source " + event.source()));
    }
    return applier.apply(connection, event)
      .compose(applied -> EventStore.finish(connection, id, receivedAt, applied.status(), applied.resourceVersion(),
          elapsedMs(startedNanos))
        .map(done -> {
          LOG.info("Event {} {}", event.eventType(), applied.status().db());
          return applied;
        }));
  }

  private Future<IngestOutcome> queueFirstFailure(IngestCommand command, String correlationId, String principal,
                                                  Throwable cause) {
    String error = DbErrors.describe(cause);
    Backoff.Next next = Backoff.afterFailure(settings.retry(), 1, ThreadLocalRandom.current().nextDouble());
    EventStatus status = next.dead() ? EventStatus.DEAD : EventStatus.FAILED;
    OffsetDateTime receivedAt = command.receivedAtUtc();
    return pool.withTransaction(connection -> EventStore.insertFailed(connection, command, correlationId,
        principal, status, next.delayMs(), error)
      .compose(id -> {
        if (id == null) {
          return duplicate(connection, command);
        }
        LOG.warn("Applying event {} failed, stored as {} (retry in {} ms): {}", command.eventType(), status.db(),
          next.delayMs(), error);
        return EventStore.recordAttempt(connection, id, receivedAt, 1, receivedAt, status.db(), error)
          .map(recorded -> {
            reportIfDead(command.source(), status, 1, error);
            return outcome(command, status == EventStatus.FAILED ? IngestStatus.QUEUED : IngestStatus.DEAD, null);
          });
      }))
      .onSuccess(outcome -> {
        if (outcome.status() == IngestStatus.QUEUED) {
          wakeUp.request();
        }
      });
  }

  private Future<EventStatus> recordFailedRetry(long id, OffsetDateTime receivedAt, UUID leaseToken,
                                                EventStore.Claimed claimed, Throwable cause,
                                                OffsetDateTime startedAt) {
    String error = DbErrors.describe(cause);
    Backoff.Next next = Backoff.afterFailure(settings.retry(), claimed.attempts(),
      ThreadLocalRandom.current().nextDouble());
    EventStatus status = next.dead() ? EventStatus.DEAD : EventStatus.FAILED;
    return pool.withTransaction(connection -> EventStore.failClaimed(connection, id, receivedAt, leaseToken, status,
        next.delayMs(), error)
      .compose(owned -> {
        if (!owned) {
          return Future.succeededFuture((EventStatus) null);
        }
        LOG.warn("Retry {} of event {} failed, now {} (next in {} ms): {}", claimed.attempts() - 1,
          claimed.event().eventType(), status.db(), next.delayMs(), error);
        return EventStore.recordAttempt(connection, id, receivedAt, claimed.attempts(), startedAt, status.db(), error)
          .map(recorded -> {
            reportIfDead(claimed.event().source(), status, claimed.attempts(), error);
            return status;
          });
      }))
      .onSuccess(ended -> {
        if (ended == EventStatus.FAILED) {
          wakeUp.request();
        }
      });
  }

  private void reportIfDead(String source, EventStatus status, int attempts, String error) {
    if (status == EventStatus.DEAD) {
      LOG.warn("Event dead-lettered after {} attempt(s); last error: {}", attempts, error);
      metrics.deadLettered(source);
    }
  }

  private Future<IngestOutcome> duplicate(SqlConnection connection, IngestCommand command) {
    return EventStore.findExisting(connection, command).map(existing -> {
      if (existing == null) {
        throw new IllegalStateException("Event row vanished while checking a duplicate");
      }
      return duplicateOutcome(command, existing);
    });
  }

  /**
   * A delivery whose event id is stored already: the same event again, or a conflicting reuse of its id (only
   * where the payload, not the id alone, identifies the event: {@link IngestCommand#idDecides()}). A stored event
   * that still waits for a retry answers queued, one that is dead answers dead (an operator's replay is due); one
   * whose record retention removed was finished (retention keeps every unfinished event) and answers duplicate,
   * saying the record expired.
   */
  private IngestOutcome duplicateOutcome(IngestCommand command, EventStore.Existing existing) {
    if (!existing.samePayload() && !command.idDecides()) {
      return outcome(command, IngestStatus.CONFLICT, existing.resourceVersion());
    }
    String externalId = existing.externalId() == null ? command.externalId() : existing.externalId();
    if (existing.status() == null) {
      LOG.warn("Redelivery of a finished event whose record retention removed; answered duplicate");
      metrics.redeliveredAfterRetention(command.source());
      return new IngestOutcome(command.eventId(), IngestStatus.DUPLICATE, externalId, null, true);
    }
    IngestStatus status = switch (existing.status()) {
      case FAILED, PROCESSING -> IngestStatus.QUEUED;
      case DEAD -> IngestStatus.DEAD;
      default -> IngestStatus.DUPLICATE;
    };
    return new IngestOutcome(command.eventId(), status, externalId, existing.resourceVersion());
  }

  private static IngestOutcome outcome(IngestCommand command, IngestStatus status, Integer resourceVersion) {
    return new IngestOutcome(command.eventId(), status, command.externalId(), resourceVersion);
  }

  private static int elapsedMs(long startedNanos) {
    return (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - startedNanos) / 1_000_000);
  }

  /** The group commit's statement failed: nothing of the batch was stored. */
  private static final class BatchRefused extends RuntimeException {
    BatchRefused(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  /** Marks a failure that happened after the event row was written or locked in the same transaction. */
  private static final class ApplyFailed extends RuntimeException {
    private final transient EventStore.Claimed claimed;

    ApplyFailed(Throwable cause) {
      this(cause, null);
    }

    ApplyFailed(Throwable cause, EventStore.Claimed claimed) {
      super(cause.getMessage(), cause, false, false);
      this.claimed = claimed;
    }
  }
}
