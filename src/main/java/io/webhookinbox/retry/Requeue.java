package io.webhookinbox.retry;

import io.webhookinbox.ingest.IngestVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.webhookinbox.audit.Action;
import io.webhookinbox.audit.AuditEntry;
import io.webhookinbox.audit.AuditTrail;
import io.webhookinbox.audit.Caller;
import io.webhookinbox.db.BoundedPool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.webhookinbox.db.RollupLocks;
import io.webhookinbox.db.BusReplies;
import io.webhookinbox.api.ErrorCode;
import io.webhookinbox.telemetry.LogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * Operator replays, served over the event bus for the HTTP verticle. A manual retry claims the event and hands it
 * to the worker at once; a bulk replay marks matches due now, and the schedulers work through them in batches.
 */
final class Requeue {
  static final String MANUAL_ADDRESS = "webhook-inbox.retry.manual";
  static final String BULK_ADDRESS = "webhook-inbox.retry.bulk";
  private static final Logger LOG = LoggerFactory.getLogger(Requeue.class);
  private static final long MANUAL_LEASE_MS = 60_000;

  static final String CLAIM_ONE = """
    UPDATE webhook_events
    SET status = 'processing', attempts = attempts + 1, lease_token = gen_random_uuid(),
        lease_until = clock_timestamp() + $3::bigint * interval '1 millisecond', next_attempt_at = NULL
    WHERE event_id = $1 AND ($2::text IS NULL OR source = $2) AND status IN ('failed', 'dead', 'ignored')
    RETURNING id, received_at, source, lease_token, correlation_id, attempts""";

  static final String STATUS_OF = """
    SELECT status FROM webhook_events WHERE event_id = $1 AND ($2::text IS NULL OR source = $2)""";

  static final String REQUEUE_MATCHING = """
    WITH picked AS (
      SELECT id, received_at FROM webhook_events
      WHERE status IN ('failed', 'dead', 'ignored') AND status = $1
        AND ($2::text IS NULL OR event_type = $2)
        AND ($3::timestamptz IS NULL OR received_at >= $3)
        AND ($4::timestamptz IS NULL OR received_at < $4)
        AND ($5::text IS NULL OR source = $5)
      ORDER BY received_at
      LIMIT $6
      FOR UPDATE SKIP LOCKED)
    UPDATE webhook_events e SET status = 'failed', next_attempt_at = clock_timestamp()
    FROM picked WHERE e.id = picked.id AND e.received_at = picked.received_at
    RETURNING e.event_id""";

  static final String NOTIFY = "SELECT pg_notify('" + IngestVerticle.RETRY_CHANNEL + "', '')";

  private final Vertx vertx;
  private final BoundedPool pool;

  Requeue(Vertx vertx, BoundedPool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  void register() {
    vertx.eventBus().<JsonObject>localConsumer(MANUAL_ADDRESS, this::manual);
    vertx.eventBus().<JsonObject>localConsumer(BULK_ADDRESS, this::bulk);
  }

  /**
   * Body {@code {eventId, source?, caller}}; reply {@code {eventId, retryAttempt, status, timestamp}}. The claim and
   * its audit row commit together; the event goes to a worker after the commit.
   */
  private void manual(Message<JsonObject> message) {
    String eventId = message.body().getString("eventId");
    String source = message.body().getString("source");
    Caller caller = Caller.from(message.body());
    Future<Void> unambiguous = source != null ? Future.succeededFuture()
      : pool.preparedQuery(STATUS_OF, Tuple.of(eventId, (Object) null)).compose(rows -> rows.size() > 1
        ? Future.failedFuture(new BusReplies.Refused(ErrorCode.BAD_REQUEST,
          "Several sources used this event id; add ?source=cisive or ?source=stripe"))
        : Future.succeededFuture());
    unambiguous.compose(checked -> pool.withTransaction(connection -> connection.preparedQuery(CLAIM_ONE)
        .execute(Tuple.of(eventId, source, MANUAL_LEASE_MS))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture((Row) null);
          }
          Row row = rows.iterator().next();
          return AuditTrail.record(connection, AuditEntry.succeeded(caller, Action.MANUAL_REPLAY, eventId,
              new JsonObject().put("source", source),
              new JsonObject().put("source", row.getString("source")).put("retryAttempt", row.getInteger("attempts") - 1)))
            .map(row);
        })))
      .compose(row -> {
        if (row == null) {
          return explainRefusal(eventId, source);
        }
        LogContext.bind(row.getString("correlation_id"), eventId);
        LOG.info("Manual retry requested by an operator");
        SchedulerVerticle.dispatch(vertx, row, MANUAL_LEASE_MS);
        return Future.succeededFuture(new JsonObject()
          .put("eventId", eventId)
          .put("retryAttempt", row.getInteger("attempts") - 1)
          .put("status", "processing")
          .put("timestamp", Instant.now().toString()));
      })
      .onSuccess(message::reply)
      .onFailure(failure -> BusReplies.fail(message, failure, LOG, "replaying"));
  }

  private Future<JsonObject> explainRefusal(String eventId, String source) {
    return pool.preparedQuery(STATUS_OF, Tuple.of(eventId, source)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(new BusReplies.Refused(ErrorCode.NOT_FOUND, "No event with id " + eventId));
      }
      String status = rows.iterator().next().getString("status");
      return Future.failedFuture(new BusReplies.Refused(ErrorCode.INVALID_STATE, "Event is " + status
        + "; only failed, dead or ignored events can be retried"));
    });
  }

  /**
   * Body {@code {status, eventType?, from?, to?, source?, limit, caller}}; reply {@code {requeued, eventIds}}. The
   * audit row, with the filters and the ids re-queued, is part of the same transaction.
   */
  private void bulk(Message<JsonObject> message) {
    JsonObject query = message.body().copy();
    Caller caller = Caller.from(query);
    query.remove(Caller.FIELD);
    Tuple params = Tuple.of(query.getString("status"), query.getString("eventType"),
      offsetDateTime(query.getString("from")), offsetDateTime(query.getString("to")), query.getString("source"),
      query.getInteger("limit"));
    pool.withTransaction(connection -> RollupLocks.multiRow(connection)
        .compose(locked -> connection.preparedQuery(REQUEUE_MATCHING).execute(params))
        .compose(rows -> {
          JsonArray eventIds = new JsonArray();
          rows.forEach(row -> eventIds.add(row.getString("event_id")));
          JsonObject requeued = new JsonObject().put("requeued", eventIds.size()).put("eventIds", eventIds);
          return AuditTrail.record(connection, AuditEntry.succeeded(caller, Action.BULK_REPLAY, null, query, requeued))
            .compose(recorded -> connection.query(NOTIFY).execute())
            .map(requeued);
        }))
      .map(requeued -> {
        LOG.info("Bulk replay re-queued {} {} event(s)", requeued.getInteger("requeued"), query.getString("status"));
        return requeued;
      })
      .onSuccess(message::reply)
      .onFailure(failure -> BusReplies.fail(message, failure, LOG, "replaying"));
  }

  private static OffsetDateTime offsetDateTime(String value) {
    return value == null ? null : OffsetDateTime.parse(value);
  }
}
