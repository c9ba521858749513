package io.webhookinbox.audit;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.webhookinbox.api.KeysetCursor;
import io.webhookinbox.api.Rfc3339;
import io.webhookinbox.db.BoundedPool;

import java.time.OffsetDateTime;

/** The audit trail newest first, keyset-paginated on (recorded_at, id). */
final class AuditQueries {
  /** Null parameters switch their filter off; the row comparison serves both indexes' order. */
  static final String SEARCH = """
    SELECT id, recorded_at, actor, action, target, parameters, outcome, result, correlation_id
      FROM operator_audit
     WHERE ($1::text IS NULL OR action = $1)
       AND ($2::timestamptz IS NULL OR recorded_at >= $2)
       AND ($3::timestamptz IS NULL OR recorded_at < $3)
       AND ($4::timestamptz IS NULL OR (recorded_at, id) < ($4, $5::bigint))
     ORDER BY recorded_at DESC, id DESC
     LIMIT $6""";

  private final BoundedPool pool;

  AuditQueries(BoundedPool pool) {
    this.pool = pool;
  }

  /** Body {@code {action?, from?, to?, cursor?, limit}}. */
  Future<JsonObject> search(JsonObject request) {
    String cursor = request.getString("cursor");
    KeysetCursor position = cursor == null ? null : KeysetCursor.decode(cursor);
    int limit = request.getInteger("limit");
    Tuple params = Tuple.of(request.getString("action"), parse(request.getString("from")),
        parse(request.getString("to")), position == null ? null : position.at(),
        position == null ? null : position.id())
      .addValue(limit + 1);
    return pool.preparedQuery(SEARCH, params).map(rows -> {
      JsonArray entries = new JsonArray();
      Row last = null;
      for (Row row : rows) {
        if (entries.size() == limit) {
          break;
        }
        entries.add(entry(row));
        last = row;
      }
      String next = rows.size() > limit
        ? new KeysetCursor(last.getOffsetDateTime("recorded_at"), last.getLong("id")).encode() : null;
      return new JsonObject().put("entries", entries).put("count", entries.size()).put("nextCursor", next);
    });
  }

  private static JsonObject entry(Row row) {
    return new JsonObject()
      .put("id", row.getLong("id"))
      .put("recordedAt", Rfc3339.utc(row.getOffsetDateTime("recorded_at")))
      .put("actor", row.getString("actor"))
      .put("action", row.getString("action"))
      .put("target", row.getString("target"))
      .put("parameters", row.getJsonObject("parameters"))
      .put("outcome", row.getString("outcome"))
      .put("result", row.getJsonObject("result"))
      .put("correlationId", row.getString("correlation_id"));
  }

  private static OffsetDateTime parse(String value) {
    return value == null ? null : OffsetDateTime.parse(value);
  }
}
