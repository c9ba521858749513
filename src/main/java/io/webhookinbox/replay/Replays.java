package io.webhookinbox.replay;

import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.webhookinbox.api.ApiError;
import io.webhookinbox.api.ErrorCode;
import io.webhookinbox.audit.Action;
import io.webhookinbox.audit.AuditEntry;
import io.webhookinbox.audit.AuditTrail;
import io.webhookinbox.audit.Caller;
import io.webhookinbox.db.BoundedPool;
import io.webhookinbox.events.EventClaims;
import io.webhookinbox.events.EventClaims.Claim;
import io.webhookinbox.events.EventStatus;
import io.webhookinbox.ingest.IngestClient;
import io.webhookinbox.telemetry.LogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * Operators' replays. A manual replay claims the event and hands it to the ingest verticle at once; a bulk replay
 * makes the matches due now, and the retry schedulers work through them in batches. Each commits with its audit row.
 */
public final class Replays {
  private static final Logger LOG = LoggerFactory.getLogger(Replays.class);
  private static final long MANUAL_LEASE_MS = 60_000;

  /** A replay of one event; {@code source} null when the id is used by one source only. */
  public record One(String eventId, String source, Caller caller) {
  }

  /** The answer to {@link One}: the event is being attempted now. */
  public record Started(String eventId, int retryAttempt, Instant at) {
    JsonObject toJson() {
      return new JsonObject().put("eventId", eventId).put("retryAttempt", retryAttempt).put("status", "processing")
        .put("timestamp", at.toString());
    }
  }

  /**
   * A bulk replay of the events in {@code status} that match the filters (null: any), oldest first; {@code lastError}
   * picks those whose last error reads exactly so (the console's dead-letter groups).
   */
  public record Matching(EventStatus status, String eventType, OffsetDateTime from, OffsetDateTime to, String source,
                         int limit, String lastError, Caller caller) {
    public Matching(EventStatus status, String eventType, OffsetDateTime from, OffsetDateTime to, String source,
                    int limit, Caller caller) {
      this(status, eventType, from, to, source, limit, null, caller);
    }

    /** As the audit trail records it (and a four-eyes request keeps it, to run it exactly so once approved). */
    public JsonObject parameters() {
      JsonObject parameters = new JsonObject().put("from", from == null ? null : from.toString())
        .put("to", to == null ? null : to.toString()).put("status", status.db()).put("eventType", eventType)
        .put("source", source).put("limit", limit);
      return lastError == null ? parameters : parameters.put("lastError", lastError);
    }

    /** The same replay as {@link #parameters()} recorded it, asked for by {@code caller}. */
    public static Matching of(JsonObject parameters, Caller caller) {
      String from = parameters.getString("from");
      String to = parameters.getString("to");
      return new Matching(EventStatus.fromDb(parameters.getString("status")), parameters.getString("eventType"),
        from == null ? null : OffsetDateTime.parse(from), to == null ? null : OffsetDateTime.parse(to),
        parameters.getString("source"), parameters.getInteger("limit"), parameters.getString("lastError"), caller);
    }
  }

  /** What a bulk replay would do now: how many events match, and how many of them its limit picks. */
  public record DryRun(long matching, long picked) {
  }

  /** The answer to {@link Matching}: the events made due now. */
  public record Requeued(List<String> eventIds) {
    JsonObject toJson() {
      return new JsonObject().put("requeued", eventIds.size()).put("eventIds", new JsonArray(eventIds));
    }
  }

  private final BoundedPool pool;
  private final EventBus eventBus;
  private final List<String> sources;

  /**
   * @param pool    the scheduler pool
   * @param sources the source names, for the message that asks to pick one
   */
  public Replays(BoundedPool pool, EventBus eventBus, List<String> sources) {
    this.pool = pool;
    this.eventBus = eventBus;
    this.sources = List.copyOf(sources);
  }

  /** The claim and its audit row commit together; the event goes to the ingest verticle after the commit. */
  public Future<Started> replay(One request) {
    String eventId = request.eventId();
    Future<Void> unambiguous = request.source() != null ? Future.succeededFuture()
      : pool.withConnection(connection -> EventClaims.statusesOf(connection, eventId, null))
        .compose(statuses -> statuses.size() > 1 ? Future.failedFuture(new ApiError(ErrorCode.BAD_REQUEST,
          "Several sources used this event id; add ?source=" + String.join(" or ?source=", sources)))
          : Future.succeededFuture());
    return unambiguous.compose(checked -> pool.withTransaction(connection ->
        EventClaims.claimOne(connection, eventId, request.source(), MANUAL_LEASE_MS).compose(claims -> {
          if (claims.isEmpty()) {
            return Future.succeededFuture((Claim) null);
          }
          Claim claim = claims.get(0);
          return AuditTrail.record(connection, AuditEntry.succeeded(request.caller(), Action.MANUAL_REPLAY, eventId,
              new JsonObject().put("source", request.source()),
              new JsonObject().put("source", claim.source()).put("retryAttempt", claim.attempts() - 1)))
            .map(claim);
        })))
      .compose(claim -> {
        if (claim == null) {
          return explainRefusal(eventId, request.source());
        }
        LogContext.bind(claim.correlationId(), eventId);
        LOG.info("Manual retry requested by an operator");
        IngestClient.attempt(eventBus, claim, MANUAL_LEASE_MS);
        return Future.succeededFuture(new Started(eventId, claim.attempts() - 1, Instant.now()));
      });
  }

  private Future<Started> explainRefusal(String eventId, String source) {
    return pool.withConnection(connection -> EventClaims.statusesOf(connection, eventId, source))
      .compose(statuses -> Future.failedFuture(statuses.isEmpty()
        ? new ApiError(ErrorCode.NOT_FOUND, "No event with id " + eventId)
        : new ApiError(ErrorCode.INVALID_STATE, "Event is " + statuses.get(0).db()
          + "; only failed, dead or ignored events can be retried")));
  }

  /** Changes nothing: what {@link #replay(Matching)} would pick if it ran now. */
  public Future<DryRun> dryRun(Matching request) {
    return pool.withConnection(connection -> EventClaims.countMatching(connection, request.status(),
      request.eventType(), request.from(), request.to(), request.source(), request.limit(), request.lastError()))
      .map(counts -> new DryRun(counts[0], counts[1]));
  }

  /** The audit row, with the filters and the ids re-queued, is part of the same transaction, and so is the NOTIFY. */
  public Future<Requeued> replay(Matching request) {
    return pool.withTransaction(connection -> EventClaims.lockForManyRows(connection)
        .compose(locked -> EventClaims.requeueMatching(connection, request.status(), request.eventType(),
          request.from(), request.to(), request.source(), request.limit(), request.lastError()))
        .compose(ids -> {
          Requeued requeued = new Requeued(ids);
          return AuditTrail.record(connection, AuditEntry.succeeded(request.caller(), Action.BULK_REPLAY, null,
              request.parameters(), requeued.toJson()))
            .compose(recorded -> EventClaims.notifyDue(connection))
            .map(requeued);
        }))
      .onSuccess(requeued -> LOG.info("Bulk replay re-queued {} {} event(s)", requeued.eventIds().size(),
        request.status().db()));
  }
}
