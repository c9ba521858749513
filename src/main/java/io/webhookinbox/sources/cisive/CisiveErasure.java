package io.webhookinbox.sources.cisive;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.webhookinbox.api.ApiError;
import io.webhookinbox.api.ErrorCode;
import io.webhookinbox.db.Rows;
import io.webhookinbox.source.PersonalData;

/**
 * Erases an order's personal data from the order and from every stored payload of the order. Personal data is every
 * value the allow-list of known, non-personal fields does not name: the candidate, and any property the sender
 * added (the schema keeps unknown properties). The redaction and the fingerprints of what was erased are SQL
 * functions (migrations V9 and V12), whose triggers keep erased data from coming back with later events.
 *
 * <p>Locks: the order's stored events first (in id order), then the order. A retry locks its event, then the order,
 * so the two never wait on each other in a cycle; a group commit locks the order and only inserts new events, and
 * the last statement here, run once the order is held, redacts every event committed meanwhile.
 */
final class CisiveErasure implements PersonalData {
  static final String LOCK_EVENTS = """
    SELECT id FROM webhook_events WHERE external_id = $1 AND source = 'cisive' ORDER BY id FOR UPDATE""";

  static final String LOCK_ORDER = """
    SELECT (SELECT coalesce(jsonb_agg(key ORDER BY key), '[]'::jsonb)
              FROM jsonb_object_keys(CASE jsonb_typeof(candidate) WHEN 'object' THEN candidate ELSE '{}' END) key)
             AS fields,
           coalesce(candidate <> candidate_redacted(candidate), false)
             OR coalesce(document <> cisive_order_redacted(document), false) AS personal
      FROM orders WHERE external_order_id = $1 FOR UPDATE""";

  /**
   * The fingerprints of the personal data being erased, in the order and in its payloads: each document's personal
   * part, and each candidate (which orders erased before the allow-list were remembered by).
   */
  static final String REMEMBER_ERASED = """
    INSERT INTO erased_candidates (external_order_id, candidate_sha256)
    SELECT DISTINCT $1, sha256 FROM (
      SELECT cisive_order_personal_sha256(document) AS sha256 FROM orders
       WHERE external_order_id = $1 AND document <> cisive_order_redacted(document)
      UNION ALL SELECT candidate_sha256(candidate) FROM orders
       WHERE external_order_id = $1 AND candidate <> candidate_redacted(candidate)
      UNION ALL SELECT unnest(ARRAY[cisive_payload_personal_sha256(payload),
                                    cisive_order_personal_sha256(payload -> 'order'),
                                    candidate_sha256(payload #> '{order,candidate}')])
        FROM webhook_events WHERE external_id = $1 AND source = 'cisive' AND payload <> cisive_payload_redacted(payload)
    ) found
    WHERE sha256 IS NOT NULL
    ORDER BY 2
    ON CONFLICT DO NOTHING""";

  /** A second erasure changes nothing and keeps the first one's time, unless new personal data came meanwhile. */
  static final String REDACT_ORDER = """
    UPDATE orders SET
      candidate = candidate_redacted(candidate),
      document = cisive_order_redacted(document),
      personal_data_erased_at = CASE
        WHEN candidate <> candidate_redacted(candidate) OR document <> cisive_order_redacted(document)
        THEN now() ELSE coalesce(personal_data_erased_at, now()) END
    WHERE external_order_id = $1
    RETURNING personal_data_erased_at""";

  static final String REDACT_PAYLOADS = """
    UPDATE webhook_events SET payload = cisive_payload_redacted(payload)
     WHERE external_id = $1 AND source = 'cisive' AND payload <> cisive_payload_redacted(payload)""";

  @Override
  public Future<JsonObject> erase(SqlConnection connection, String orderId) {
    return connection.preparedQuery(LOCK_EVENTS).execute(Tuple.of(orderId))
      .compose(events -> connection.preparedQuery(LOCK_ORDER).execute(Tuple.of(orderId)).compose(order -> {
        if (order.size() == 0 && events.size() == 0) {
          return Future.failedFuture(new ApiError(ErrorCode.NOT_FOUND, "No order with external id " + orderId));
        }
        // No order row yet (its events failed or were ignored so far): their payloads still hold the data.
        Row row = order.size() == 0 ? null : order.iterator().next();
        return redact(connection, orderId, row == null ? new JsonArray() : (JsonArray) row.getValue("fields"),
          row != null && row.getBoolean("personal"));
      }));
  }

  private static Future<JsonObject> redact(SqlConnection connection, String orderId, JsonArray fields,
                                           boolean orderHeldPersonalData) {
    Tuple id = Tuple.of(orderId);
    return connection.preparedQuery(REMEMBER_ERASED).execute(id)
      .compose(remembered -> connection.preparedQuery(REDACT_ORDER).execute(id))
      .compose(order -> {
        Row row = order.size() == 0 ? null : order.iterator().next();
        return connection.preparedQuery(REDACT_PAYLOADS).execute(id).map(payloads -> new JsonObject()
          .put("externalOrderId", orderId)
          .put("personalDataErasedAt", row == null ? null : Rows.instant(row, "personal_data_erased_at"))
          .put("candidateFields", fields)
          .put("redacted", new JsonObject().put("order", orderHeldPersonalData ? 1 : 0).put("payloads", payloads.rowCount())));
      });
  }
}
