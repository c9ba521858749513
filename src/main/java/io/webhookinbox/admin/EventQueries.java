package io.webhookinbox.admin;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.webhookinbox.db.BoundedPool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.webhookinbox.db.BusReplies;
import io.webhookinbox.api.ErrorCode;
import io.webhookinbox.api.KeysetCursor;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** One event in detail, and event listings newest first with keyset pagination. */
final class EventQueries {
  private static final String SUMMARY_COLUMNS = "id, source, event_id, event_type, external_id, status, processing_ms,"
    + " received_at, processed_at, attempts, last_error, correlation_id";

  /**
   * {@code metadata} is what the guide calls it: the payment's metadata as the event carried it (for
   * {@code webhooks:admin} only, like the payment lookup, since a sender can put anything there), or the Cisive
   * order's equivalent, its client reference and package code.
   */
  static final String EVENT = "SELECT " + SUMMARY_COLUMNS + ", occurred_at, schema_version, principal,"
    + " payload_sha256, next_attempt_at, resource_version, CASE WHEN $3 THEN payload END AS payload,"
    + " CASE WHEN source = 'stripe' THEN CASE WHEN $3 THEN coalesce(payload #> '{data,object,metadata}', '{}') END"
    + " ELSE jsonb_strip_nulls(jsonb_build_object('clientReference', payload #> '{order,clientReference}',"
    + " 'packageCode', payload #> '{order,packageCode}')) END AS metadata"
    + " FROM webhook_events WHERE event_id = $1 AND ($2::text IS NULL OR source = $2)";

  static final String ATTEMPTS = "SELECT attempt, started_at, finished_at, outcome, error"
    + " FROM webhook_event_attempts WHERE event_row_id = $1 AND event_received_at = $2 ORDER BY attempt";

  private final BoundedPool pool;

  EventQueries(BoundedPool pool) {
    this.pool = pool;
  }

  /** Body {@code {eventId, source?, includePayload}}; null when there is no such event. */
  Future<JsonObject> event(JsonObject request) {
    return pool.preparedQuery(EVENT, Tuple.of(request.getString("eventId"), request.getString("source"),
        request.getBoolean("includePayload", false)))
      .compose(rows -> {
        if (rows.size() == 0) {
          return Future.failedFuture(new BusReplies.Refused(ErrorCode.NOT_FOUND, "No event with id " + request.getString("eventId")));
        }
        if (rows.size() > 1) {
          return Future.failedFuture(new BusReplies.Refused(ErrorCode.BAD_REQUEST,
            "Several sources used this event id; add ?source=cisive or ?source=stripe"));
        }
        Row row = rows.iterator().next();
        return pool.preparedQuery(ATTEMPTS, Tuple.of(row.getLong("id"), row.getOffsetDateTime("received_at"))).map(attempts -> {
          JsonArray history = new JsonArray();
          attempts.forEach(attempt -> history.add(new JsonObject()
            .put("attempt", attempt.getInteger("attempt"))
            .put("startedAt", Rows.instant(attempt, "started_at"))
            .put("finishedAt", Rows.instant(attempt, "finished_at"))
            .put("outcome", attempt.getString("outcome"))
            .put("error", attempt.getString("error"))));
          JsonObject event = summary(row).put("metadata", row.getValue("metadata")).put("inbox", new JsonObject()
            .put("occurredAt", Rows.instant(row, "occurred_at"))
            .put("schemaVersion", row.getString("schema_version"))
            .put("principal", row.getString("principal"))
            .put("payloadSha256", row.getString("payload_sha256"))
            .put("attempts", row.getInteger("attempts"))
            .put("nextAttemptAt", Rows.instant(row, "next_attempt_at"))
            .put("resourceVersion", row.getInteger("resource_version"))
            .put("attemptHistory", history));
          if (request.getBoolean("includePayload", false)) {
            event.put("payload", row.getValue("payload"));
          }
          return event;
        });
      });
  }

  /**
   * Body {@code {status?, source?, eventType?, externalId?, from?, to?, cursor?, limit}}; newest first. The cursor
   * is the (received_at, id) of the last row of the previous page, so pages never skip or repeat rows, whatever
   * arrives meanwhile.
   */
  Future<JsonObject> search(JsonObject request) {
    List<String> where = new ArrayList<>();
    Tuple params = Tuple.tuple();
    addFilter(where, params, "status = $", request.getString("status"));
    addFilter(where, params, "source = $", request.getString("source"));
    addFilter(where, params, "event_type = $", request.getString("eventType"));
    addFilter(where, params, "external_id = $", request.getString("externalId"));
    addFilter(where, params, "received_at >= $", parse(request.getString("from")));
    addFilter(where, params, "received_at < $", parse(request.getString("to")));
    String cursor = request.getString("cursor");
    if (cursor != null) {
      KeysetCursor position = KeysetCursor.decode(cursor);
      params.addValue(position.at()).addValue(position.id());
      where.add("(received_at, id) < ($" + (params.size() - 1) + ", $" + params.size() + ")");
    }
    int limit = request.getInteger("limit");
    params.addValue(limit + 1);
    // Only the filters in use appear in the SQL, so each combination gets a plan that can use its index.
    String sql = "SELECT " + SUMMARY_COLUMNS + " FROM webhook_events"
      + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
      + " ORDER BY received_at DESC, id DESC LIMIT $" + params.size();
    return pool.preparedQuery(sql, params).map(rows -> {
      JsonArray events = new JsonArray();
      Row last = null;
      int count = 0;
      for (Row row : rows) {
        if (count++ == limit) {
          break;
        }
        events.add(summary(row));
        last = row;
      }
      boolean more = rows.size() > limit;
      return new JsonObject().put("events", events).put("count", events.size())
        .put("nextCursor", more ? new KeysetCursor(last.getOffsetDateTime("received_at"), last.getLong("id")).encode() : null);
    });
  }

  private static void addFilter(List<String> where, Tuple params, String condition, Object value) {
    if (value != null) {
      params.addValue(value);
      where.add(condition + params.size());
    }
  }

  private static OffsetDateTime parse(String value) {
    return value == null ? null : OffsetDateTime.parse(value);
  }

  private static JsonObject summary(Row row) {
    int attempts = row.getInteger("attempts");
    JsonObject event = new JsonObject()
      .put("eventId", row.getString("event_id"))
      .put("source", row.getString("source"))
      .put("eventType", row.getString("event_type"));
    return Rows.putExternalId(event, row.getString("source"), row.getString("external_id"))
      .put("processingStatus", guideStatus(row.getString("status")))
      .put("inboxStatus", row.getString("status"))
      .put("processingTimeMs", row.getInteger("processing_ms"))
      .put("receivedAt", Rows.instant(row, "received_at"))
      .put("processedAt", Rows.instant(row, "processed_at"))
      .put("retryCount", Math.max(0, attempts - 1))
      .put("errorMessage", row.getString("last_error"))
      .put("correlationId", row.getString("correlation_id"));
  }

  /**
   * The guide's processing status: {@code completed} (processed, stale, ignored: nothing left to do),
   * {@code processing}, or {@code failed} (waiting for a retry, or dead). {@code inboxStatus} keeps ours.
   */
  static String guideStatus(String status) {
    return switch (status) {
      case "processing" -> "processing";
      case "failed", "dead" -> "failed";
      default -> "completed";
    };
  }
}
