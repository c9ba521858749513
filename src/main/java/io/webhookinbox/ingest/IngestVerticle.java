package io.webhookinbox.ingest;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.webhookinbox.config.DatabaseConfig;
import io.webhookinbox.db.Pools;
import io.webhookinbox.logging.LogContext;
import io.webhookinbox.retry.Backoff;
import io.webhookinbox.retry.RetrySettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The worker: records each delivery in the inbox and applies it in the same transaction. It only runs
 * non-blocking SQL, so it lives on an event loop. Applying may fail after the event could be stored; the event is
 * then committed as {@code failed} for the retry scheduler and the sender still gets a 2xx.
 */
public final class IngestVerticle extends VerticleBase {
  public static final String ADDRESS = "webhook-inbox.ingest";
  public static final String CORRELATION_HEADER = "correlationId";
  public static final String PRINCIPAL_HEADER = "principal";
  private static final Logger LOG = LoggerFactory.getLogger(IngestVerticle.class);

  private final DatabaseConfig database;
  private final int poolSize;
  private final Map<String, SourceApplier> appliers;
  private final RetrySettings retrySettings;
  private Pool pool;

  public IngestVerticle(DatabaseConfig database, int poolSize, Map<String, SourceApplier> appliers,
                        RetrySettings retrySettings) {
    this.database = database;
    this.poolSize = poolSize;
    this.appliers = Map.copyOf(appliers);
    this.retrySettings = retrySettings;
  }

  @Override
  public Future<?> start() {
    pool = Pools.create(vertx, database, poolSize);
    return vertx.eventBus().<IngestCommand>localConsumer(ADDRESS, this::onIngest).completion();
  }

  private void onIngest(Message<IngestCommand> message) {
    IngestCommand command = message.body();
    String correlationId = message.headers().get(CORRELATION_HEADER);
    LogContext.bind(correlationId, command.eventId());
    ingest(command, correlationId, message.headers().get(PRINCIPAL_HEADER)).onComplete(result -> {
      if (result.succeeded()) {
        message.reply(result.result());
      } else if (DbErrors.unavailable(result.cause())) {
        LOG.warn("Database unavailable, delivery not accepted: {}", DbErrors.describe(result.cause()));
        message.fail(503, "database unavailable");
      } else {
        LOG.error("Unexpected failure storing event", result.cause());
        message.fail(500, "unexpected");
      }
    });
  }

  Future<IngestOutcome> ingest(IngestCommand command, String correlationId, String principal) {
    EventStatus initial = command.apply() ? EventStatus.PROCESSING : EventStatus.IGNORED;
    return pool.withTransaction(connection -> EventStore.insertNew(connection, command, correlationId, principal,
          initial)
        .compose(id -> {
          if (id == null) {
            return duplicate(connection, command);
          }
          if (!command.apply()) {
            return Future.succeededFuture(outcome(command, IngestStatus.IGNORED, null));
          }
          // The event row is in; whatever fails from here on is a processing failure to retry, not a lost event.
          return applyNew(connection, id, command, correlationId, principal)
            .recover(failure -> Future.failedFuture(new ApplyFailed(failure)));
        }))
      .recover(failure -> failure instanceof ApplyFailed applyFailed
        ? queueForRetry(command, correlationId, principal, applyFailed.getCause())
        : Future.failedFuture(failure));
  }

  private Future<IngestOutcome> applyNew(SqlConnection connection, long id, IngestCommand command,
                                         String correlationId, String principal) {
    SourceApplier applier = appliers.get(command.source());
    if (applier == null) {
      return Future.failedFuture(new IllegalStateException("No applier for source " + command.source()));
    }
    StoredEvent event = new StoredEvent(command.source(), command.eventId(), command.eventType(),
      command.externalId(), command.occurredAt(), command.payload(), principal, correlationId);
    return applier.apply(connection, event)
      .compose(applied -> EventStore.finish(connection, id, applied.status(), applied.resourceVersion(),
          elapsedMs(command))
        .map(done -> {
          LOG.info("Event {} {}", command.eventType(), applied.status().db());
          return outcome(command, applied.stale() ? IngestStatus.STALE : IngestStatus.PROCESSED,
            applied.resourceVersion());
        }));
  }

  private Future<IngestOutcome> queueForRetry(IngestCommand command, String correlationId, String principal,
                                              Throwable cause) {
    String error = DbErrors.describe(cause);
    Backoff.Next next = Backoff.afterFailure(retrySettings.retry(), 1, ThreadLocalRandom.current().nextDouble());
    EventStatus status = next.dead() ? EventStatus.DEAD : EventStatus.FAILED;
    return pool.withTransaction(connection -> EventStore.insertFailed(connection, command, correlationId,
        principal, status, next.delayMs(), error)
      .compose(id -> {
        if (id == null) {
          return duplicate(connection, command);
        }
        LOG.warn("Applying event {} failed, stored as {}: {}", command.eventType(), status.db(), error);
        Future<Void> notified = status == EventStatus.FAILED ? EventStore.notifyRetry(connection)
          : Future.succeededFuture();
        return notified.map(done -> outcome(command,
          status == EventStatus.FAILED ? IngestStatus.QUEUED : IngestStatus.DEAD, null));
      }));
  }

  private Future<IngestOutcome> duplicate(SqlConnection connection, IngestCommand command) {
    return EventStore.findExisting(connection, command).map(existing -> {
      if (existing == null) {
        throw new IllegalStateException("Event row vanished while checking a duplicate");
      }
      if (!existing.samePayload()) {
        return outcome(command, IngestStatus.CONFLICT, existing.resourceVersion());
      }
      IngestStatus status = switch (existing.status()) {
        case FAILED, PROCESSING -> IngestStatus.QUEUED;
        default -> IngestStatus.DUPLICATE;
      };
      return new IngestOutcome(command.eventId(), status, existing.externalId(), existing.resourceVersion());
    });
  }

  private static IngestOutcome outcome(IngestCommand command, IngestStatus status, Integer resourceVersion) {
    return new IngestOutcome(command.eventId(), status, command.externalId(), resourceVersion);
  }

  private static int elapsedMs(IngestCommand command) {
    return (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - command.receivedNanos()) / 1_000_000);
  }

  /** Marks a failure that happened after the event row was written in the same transaction. */
  private static final class ApplyFailed extends RuntimeException {
    ApplyFailed(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }
}
