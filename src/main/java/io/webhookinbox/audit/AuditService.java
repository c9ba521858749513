package io.webhookinbox.audit;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.webhookinbox.api.KeysetCursor;
import io.webhookinbox.api.Page;
import io.webhookinbox.api.Rfc3339;
import io.webhookinbox.db.BoundedPool;
import io.webhookinbox.db.Keyset;

import java.time.OffsetDateTime;

/**
 * The audit trail as operators use it: refused attempts recorded (each in a small transaction of its own: nothing
 * changed), and the trail listed newest first. Changes that succeed record themselves with {@link AuditTrail#record}.
 */
public final class AuditService {
  /** Null parameters switch their filter off; the row comparison serves both indexes' order. */
  static final String SEARCH = """
    SELECT id, recorded_at, actor, action, target, parameters, outcome, result, correlation_id
      FROM operator_audit
     WHERE ($1::text IS NULL OR action = $1)
       AND ($2::timestamptz IS NULL OR recorded_at >= $2)
       AND ($3::timestamptz IS NULL OR recorded_at < $3)
       AND ($4::timestamptz IS NULL OR (recorded_at, id) < ($4, $5::bigint))
       AND ($7::text IS NULL OR actor = $7)
     ORDER BY recorded_at DESC, id DESC
     LIMIT $6""";

  /** Listing filters (null: any) and the page wanted. */
  public record Search(String action, String actor, OffsetDateTime from, OffsetDateTime to, KeysetCursor cursor,
                       int limit) {
    public Search(String action, OffsetDateTime from, OffsetDateTime to, KeysetCursor cursor, int limit) {
      this(action, null, from, to, cursor, limit);
    }
  }

  /** One row of the trail. */
  public record Recorded(long id, OffsetDateTime recordedAt, String actor, String action, String target,
                         JsonObject parameters, String outcome, JsonObject result, String correlationId) {
    public JsonObject toJson() {
      return new JsonObject()
        .put("id", id)
        .put("recordedAt", Rfc3339.utc(recordedAt))
        .put("actor", actor)
        .put("action", action)
        .put("target", target)
        .put("parameters", parameters)
        .put("outcome", outcome)
        .put("result", result)
        .put("correlationId", correlationId);
    }
  }

  private final BoundedPool pool;

  /** @param pool the operators' pool */
  public AuditService(BoundedPool pool) {
    this.pool = pool;
  }

  public Future<Void> recordRefusal(AuditEntry refusal) {
    return pool.withTransaction(connection -> AuditTrail.record(connection, refusal));
  }

  public Future<Page<Recorded>> search(Search search) {
    KeysetCursor cursor = search.cursor();
    Tuple params = Tuple.of(search.action(), search.from(), search.to(), cursor == null ? null : cursor.at(),
        cursor == null ? null : cursor.id())
      .addValue(Keyset.rowsFor(search.limit())).addValue(search.actor());
    return pool.preparedQuery(SEARCH, params).map(rows -> Keyset.page(rows, search.limit(), "recorded_at",
      AuditService::recorded));
  }

  private static Recorded recorded(Row row) {
    return new Recorded(row.getLong("id"), row.getOffsetDateTime("recorded_at"), row.getString("actor"),
      row.getString("action"), row.getString("target"), row.getJsonObject("parameters"), row.getString("outcome"),
      row.getJsonObject("result"), row.getString("correlation_id"));
  }
}
