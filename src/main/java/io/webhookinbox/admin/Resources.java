package io.webhookinbox.admin;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import io.webhookinbox.api.Rfc3339;
import io.webhookinbox.audit.Action;
import io.webhookinbox.audit.AuditEntry;
import io.webhookinbox.audit.AuditTrail;
import io.webhookinbox.audit.Caller;
import io.webhookinbox.db.BoundedPool;
import io.webhookinbox.source.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sources' resources as operators read them, each with its newest events, and the erasure of their personal
 * data (with its audit row, in one transaction, within the pool's deadline).
 */
public final class Resources {
  private static final Logger LOG = LoggerFactory.getLogger(Resources.class);

  /** The newest 1,000 events of a resource, listed oldest first. */
  static final String HISTORY = """
    SELECT event_id, event_type, status, occurred_at, received_at FROM (
      SELECT id, event_id, event_type, status, occurred_at, received_at FROM webhook_events
      WHERE external_id = $1 AND source = $2
      ORDER BY occurred_at DESC, received_at DESC, id DESC
      LIMIT 1000) newest
    ORDER BY occurred_at, received_at, id""";

  /** A resource of {@code source} by id; personal data only when {@code personal}. */
  public record Read(Source source, String id, boolean personal) {
  }

  /** The erasure of a resource's personal data, by {@code caller}. */
  public record Erase(Source source, String id, Caller caller) {
  }

  private final BoundedPool pool;

  /** @param pool the operators' pool */
  public Resources(BoundedPool pool) {
    this.pool = pool;
  }

  /** The resource as its source shows it, with {@code events}: its history. */
  public Future<JsonObject> read(Read request) {
    return pool.withConnection(connection -> request.source().resource().read(connection, request.id(),
        request.personal())
      .compose(resource -> connection.preparedQuery(HISTORY).execute(Tuple.of(request.id(), request.source().name()))
        .map(rows -> {
          JsonArray events = new JsonArray();
          rows.forEach(row -> events.add(new JsonObject()
            .put("eventId", row.getString("event_id"))
            .put("eventType", row.getString("event_type"))
            .put("status", row.getString("status"))
            .put("occurredAt", Rfc3339.utc(row.getOffsetDateTime("occurred_at")))
            .put("receivedAt", Rfc3339.utc(row.getOffsetDateTime("received_at")))));
          return resource.put("events", events);
        })));
  }

  /** The resource with its personal data, recorded in the audit trail first (no record, no reveal). */
  public Future<JsonObject> reveal(Read request, Caller caller) {
    return pool.withTransaction(connection -> AuditTrail.record(connection, AuditEntry.succeeded(caller,
        Action.PERSONAL_DATA_REVEAL, request.id(), new JsonObject().put("source", request.source().name())
          .put("what", request.source().resource().idParam()), new JsonObject())))
      .compose(recorded -> read(new Read(request.source(), request.id(), true)));
  }

  /** Idempotent: a second call answers zero redactions and the first erasure's time. */
  public Future<JsonObject> erase(Erase request) {
    return pool.withTransaction(connection -> request.source().personalData().erase(connection, request.id())
        .compose(erased -> AuditTrail.record(connection, AuditEntry.succeeded(request.caller(),
            Action.PERSONAL_DATA_ERASURE, request.id(), new JsonObject(), erased.copy()))
          .map(erased)))
      .onSuccess(erased -> LOG.info("Personal data of {} {} erased: {}", request.source().resource().idParam(),
        request.id(), erased.getJsonObject("redacted")));
  }
}
