package io.webhookinbox.ingest;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.webhookinbox.config.RuntimeSettings;
import io.webhookinbox.db.BoundedPool;
import io.webhookinbox.db.BoundedPool.LockWaits;
import io.webhookinbox.db.DbErrors;
import io.webhookinbox.events.Backoff;
import io.webhookinbox.events.EventClaims;
import io.webhookinbox.events.EventStatus;
import io.webhookinbox.events.EventStore;
import io.webhookinbox.events.NewEvent;
import io.webhookinbox.source.IngestOutcome;
import io.webhookinbox.source.IngestStatus;
import io.webhookinbox.source.SourceApplier;
import io.webhookinbox.telemetry.InboxMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The transactions that store new deliveries. One delivery is recorded and applied in one transaction; a group
 * commit stores many in one statement. When applying fails, the event is committed as {@code failed} (or
 * {@code dead}) with the error and its next attempt time, in a transaction of its own, so nothing half-applied
 * remains.
 */
final class Inbox {
  private static final Logger LOG = LoggerFactory.getLogger(Inbox.class);

  private final BoundedPool pool;
  private final Appliers appliers;
  private final RuntimeSettings settings;
  private final InboxMetrics metrics;
  private final RetryWakeUp wakeUp;

  Inbox(BoundedPool pool, Appliers appliers, RuntimeSettings settings, InboxMetrics metrics, RetryWakeUp wakeUp) {
    this.pool = pool;
    this.appliers = appliers;
    this.settings = settings;
    this.metrics = metrics;
    this.wakeUp = wakeUp;
  }

  Future<IngestOutcome> ingest(NewEvent event) {
    return ingest(event, LockWaits.DEADLINE);
  }

  /**
   * @param waits {@link LockWaits#SHORT}: a resource locked elsewhere past the short wait is a failed apply, so
   *              the event is stored and queued for a retry (202) instead of holding a connection the ingest verticle needs
   */
  private Future<IngestOutcome> ingest(NewEvent event, LockWaits waits) {
    EventStatus initial = event.apply() ? EventStatus.PROCESSING : EventStatus.IGNORED;
    return pool.withTransaction(waits, millisLeft(List.of(event)),
        connection -> EventStore.insertNew(connection, event, initial).compose(id -> {
          if (id == null) {
            return duplicate(connection, event);
          }
          if (!event.apply()) {
            return Future.succeededFuture(outcome(event, IngestStatus.IGNORED, null));
          }
          // The event row is in; whatever fails from here on is a processing failure to retry, not a lost event.
          return appliers.applyAndFinish(connection, id, event.receipt().utc(), event.toStored(), event.receipt().nanos())
            .map(applied -> {
              logApplied(event, applied.status());
              return outcome(event, applied.stale() ? IngestStatus.STALE : IngestStatus.PROCESSED,
                applied.resourceVersion());
            })
            .recover(failure -> Future.failedFuture(new ApplyFailed(failure)));
        }))
      .recover(failure -> failure instanceof ApplyFailed applyFailed
        ? queueFirstFailure(event, applyFailed.getCause())
        : Future.failedFuture(failure))
      .onSuccess(result -> recordMetrics(event, result));
  }

  /**
   * What is left of the first of these senders' waits: the deadline of the work that stores their events, so that
   * none is committed after its sender was answered 503.
   */
  private long millisLeft(List<NewEvent> deliveries) {
    long timeoutNanos = TimeUnit.SECONDS.toNanos(settings.webhooks().timeoutSeconds());
    return TimeUnit.NANOSECONDS.toMillis(deliveries.stream()
      .mapToLong(event -> event.receipt().nanosLeft(timeoutNanos)).min().orElseThrow());
  }

  private void recordMetrics(NewEvent event, IngestOutcome result) {
    metrics.received(event.source(), event.eventType(), result.status().json());
    if (result.status() == IngestStatus.PROCESSED || result.status() == IngestStatus.STALE) {
      metrics.processed(event.source(), Duration.ofNanos(System.nanoTime() - event.receipt().nanos()));
    }
  }

  /**
   * A group commit of new deliveries of one source, distinct event ids, in one statement
   * ({@code statement}, from {@link EventStore#batchStatement}), which PostgreSQL commits on its own: no BEGIN and
   * COMMIT round trips. When the statement fails for a reason of its own (an event PostgreSQL refuses, a row lock
   * held elsewhere past the pool's short lock wait), nothing of the batch is kept and each delivery runs alone, so
   * one bad event or one locked order cannot fail or delay its neighbours; a batch of one that could not be applied
   * is queued for a retry at once, as a delivery of its own would be. A delivery whose event another transaction
   * stored meanwhile (another replica) left no trace in the batch and is answered alone. The statement's deadline is
   * its earliest sender's.
   */
  Future<List<IngestOutcome>> ingestBatch(String source, String statement, List<NewEvent> deliveries) {
    return pool.withConnection(LockWaits.SHORT, millisLeft(deliveries),
        connection -> EventStore.ingestBatch(connection, statement, source, deliveries)
          .recover(failure -> Future.failedFuture(new BatchRefused(failure)))
          .compose(rows -> withStaleVersions(connection, appliers.of(source), deliveries, rows)))
      .compose(rows -> answer(source, deliveries, rows))
      .recover(failure -> failure instanceof BatchRefused refused
        ? storeAlone(source, deliveries, refused.getCause())
        : Future.failedFuture(failure));
  }

  /** The outcome of each delivery of a stored batch; those that lost their event's key are stored alone. */
  private Future<List<IngestOutcome>> answer(String source, List<NewEvent> deliveries,
                                             List<EventStore.BatchRow> rows) {
    List<Future<IngestOutcome>> outcomes = new ArrayList<>(rows.size());
    int stored = 0;
    for (int i = 0; i < rows.size(); i++) {
      NewEvent delivery = deliveries.get(i);
      IngestOutcome outcome = outcome(delivery, rows.get(i));
      if (outcome == null) {
        outcomes.add(ingest(delivery));
      } else {
        stored++;
        recordMetrics(delivery, outcome);
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
   * stored and queued for a retry (which waits for the lock on the retry pool), so no delivery of this ingest
   * verticle waits behind it.
   */
  private Future<List<IngestOutcome>> storeAlone(String source, List<NewEvent> deliveries, Throwable failure) {
    boolean locked = DbErrors.lockNotAvailable(failure);
    if (!locked && DbErrors.unavailable(failure)) {
      return Future.failedFuture(failure);
    }
    if (locked) {
      metrics.groupCommitFellBack(source, "lock");
      LOG.info("A group commit of {} events met a row lock held elsewhere, storing them one by one",
        deliveries.size());
      return Future.all(deliveries.stream().map(d -> ingest(d, LockWaits.SHORT)).toList()).map(all -> all.list());
    }
    if (deliveries.size() == 1) {
      NewEvent only = deliveries.get(0);
      return queueFirstFailure(only, failure).onSuccess(outcome -> recordMetrics(only, outcome)).map(List::of);
    }
    metrics.groupCommitFellBack(source, "error");
    LOG.warn("A group commit of {} events failed, storing them one by one: {}", deliveries.size(),
      DbErrors.describe(failure));
    return Future.all(deliveries.stream().map(this::ingest).toList()).map(all -> all.list());
  }

  /**
   * A stale event whose resource another replica created after the batch's snapshot was stored without a
   * version; it gets the resource's version now (rare: a second statement only then).
   */
  private static Future<List<EventStore.BatchRow>> withStaleVersions(SqlConnection connection, SourceApplier applier,
                                                                     List<NewEvent> deliveries,
                                                                     List<EventStore.BatchRow> rows) {
    Future<List<EventStore.BatchRow>> filled = Future.succeededFuture(new ArrayList<>(rows));
    for (int i = 0; i < rows.size(); i++) {
      if (rows.get(i).inserted() == EventStatus.STALE && rows.get(i).version() == null) {
        int index = i;
        NewEvent event = deliveries.get(i);
        filled = filled.compose(list -> applier.currentVersion(connection, event.externalId())
          .compose(version -> EventStore.setResourceVersion(connection, event, version)
            .map(done -> {
              list.set(index, new EventStore.BatchRow(EventStatus.STALE, version, null));
              return list;
            })));
      }
    }
    return filled;
  }

  /**
   * The ingest verticle's line for an applied delivery; call it on the delivery's own context. Debug: the request's
   * access line carries the same outcome, and a second line per delivery doubled the log's volume and cost the
   * logging thread about a quarter of its CPU per request (measured on the closed loop).
   */
  static void logApplied(NewEvent event, EventStatus status) {
    LOG.debug("Event {} {}", event.eventType(), status.db());
  }

  /** The line for a delivery stored by a group commit; logged on the delivery's own context. Debug, as above. */
  static void logStored(NewEvent event, IngestOutcome outcome) {
    if (outcome.status() == IngestStatus.PROCESSED || outcome.status() == IngestStatus.STALE) {
      LOG.debug("Event {} {}", event.eventType(), outcome.status().json());
    }
  }

  /** What a batch row says of its delivery; null when another transaction stored the event first. */
  private IngestOutcome outcome(NewEvent event, EventStore.BatchRow row) {
    if (row.inserted() != null) {
      IngestStatus status = switch (row.inserted()) {
        case PROCESSED -> IngestStatus.PROCESSED;
        case STALE -> IngestStatus.STALE;
        default -> IngestStatus.IGNORED;
      };
      return outcome(event, status, row.version());
    }
    return row.existing() == null ? null : duplicateOutcome(event, row.existing());
  }

  private Future<IngestOutcome> queueFirstFailure(NewEvent event, Throwable cause) {
    String error = DbErrors.describe(cause);
    Backoff.Next next = Backoff.afterFailure(settings.retry(), 1, ThreadLocalRandom.current().nextDouble());
    EventStatus status = next.dead() ? EventStatus.DEAD : EventStatus.FAILED;
    OffsetDateTime receivedAt = event.receipt().utc();
    return pool.withTransaction(LockWaits.DEADLINE, millisLeft(List.of(event)),
      connection -> EventStore.insertFailed(connection, event, status, next.delayMs(), error)
      .compose(id -> {
        if (id == null) {
          return duplicate(connection, event);
        }
        LOG.warn("Applying event {} failed, stored as {} (retry in {} ms): {}", event.eventType(), status.db(),
          next.delayMs(), error);
        return EventClaims.recordAttempt(connection, id, receivedAt, 1, receivedAt, status.db(), error)
          .map(recorded -> {
            if (status == EventStatus.DEAD) {
              LOG.warn("Event dead-lettered after 1 attempt(s); last error: {}", error);
              metrics.deadLettered(event.source());
            }
            return outcome(event, status == EventStatus.FAILED ? IngestStatus.QUEUED : IngestStatus.DEAD, null);
          });
      }))
      .onSuccess(outcome -> {
        if (outcome.status() == IngestStatus.QUEUED) {
          wakeUp.request();
        }
      });
  }

  private Future<IngestOutcome> duplicate(SqlConnection connection, NewEvent event) {
    return EventStore.findExisting(connection, event).map(existing -> {
      if (existing == null) {
        throw new IllegalStateException("Event row vanished while checking a duplicate");
      }
      return duplicateOutcome(event, existing);
    });
  }

  /**
   * A delivery whose event id is stored already: the same event again, or a conflicting reuse of its id (only
   * where the payload, not the id alone, identifies the event: {@link NewEvent#idDecides()}). A stored event
   * that still waits for a retry answers queued, one that is dead answers dead (an operator's replay is due); one
   * whose record retention removed was finished (retention keeps every unfinished event) and answers duplicate,
   * saying the record expired.
   */
  private IngestOutcome duplicateOutcome(NewEvent event, EventStore.Existing existing) {
    if (!existing.samePayload() && !event.idDecides()) {
      return outcome(event, IngestStatus.CONFLICT, existing.resourceVersion());
    }
    String externalId = existing.externalId() == null ? event.externalId() : existing.externalId();
    if (existing.status() == null) {
      LOG.warn("Redelivery of a finished event whose record retention removed; answered duplicate");
      metrics.redeliveredAfterRetention(event.source());
      return new IngestOutcome(event.eventId(), IngestStatus.DUPLICATE, externalId, null, true);
    }
    IngestStatus status = switch (existing.status()) {
      case FAILED, PROCESSING -> IngestStatus.QUEUED;
      case DEAD -> IngestStatus.DEAD;
      default -> IngestStatus.DUPLICATE;
    };
    return new IngestOutcome(event.eventId(), status, externalId, existing.resourceVersion());
  }

  private static IngestOutcome outcome(NewEvent event, IngestStatus status, Integer resourceVersion) {
    return new IngestOutcome(event.eventId(), status, event.externalId(), resourceVersion);
  }

  /** The group commit's statement failed: nothing of the batch was stored. */
  private static final class BatchRefused extends RuntimeException {
    BatchRefused(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  /** Marks a failure that happened after the event row was written in the same transaction. */
  private static final class ApplyFailed extends RuntimeException {
    ApplyFailed(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }
}
