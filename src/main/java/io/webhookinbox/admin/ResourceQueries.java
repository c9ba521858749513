package io.webhookinbox.admin;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.webhookinbox.db.BoundedPool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.webhookinbox.db.BusReplies;
import io.webhookinbox.api.ErrorCode;

/**
 * Current orders and payments with their event history. Personal data (the candidate, the payment documents that
 * can carry emails and addresses) is returned only to {@code webhooks:admin}. Others see an order's document through
 * the allow-list of known, non-personal fields ({@code cisive_order_public}, the list erasure keeps): the stored
 * document keeps unknown properties, and any of them may hold personal data.
 */
final class ResourceQueries {
  static final String ORDER = """
    SELECT external_order_id, status, package_code, client_reference, ordered_at, completed_at, version,
           source_system, last_event_id, last_event_occurred_at, created_by, created_on, created_correlation_id,
           updated_by, updated_on, updated_correlation_id, personal_data_erased_at,
           CASE WHEN $2 THEN candidate END AS candidate,
           CASE WHEN $2 THEN document ELSE cisive_order_public(document) END AS document
    FROM orders WHERE external_order_id = $1""";

  static final String PAYMENT = """
    SELECT payment_intent_id, status, amount, currency, livemode, version, source_system, last_event_id,
           last_event_type, last_event_created, dispute ->> 'id' AS dispute_id, dispute ->> 'status' AS dispute_status,
           created_on, created_correlation_id, updated_on, updated_correlation_id,
           CASE WHEN $2 THEN metadata END AS metadata, CASE WHEN $2 THEN document END AS document
    FROM payments WHERE payment_intent_id = $1""";

  /** The newest 1,000 events of a resource, listed oldest first. */
  static final String HISTORY = """
    SELECT event_id, event_type, status, occurred_at, received_at FROM (
      SELECT id, event_id, event_type, status, occurred_at, received_at FROM webhook_events
      WHERE external_id = $1 AND source = $2
      ORDER BY occurred_at DESC, received_at DESC, id DESC
      LIMIT 1000) newest
    ORDER BY occurred_at, received_at, id""";

  private final BoundedPool pool;

  ResourceQueries(BoundedPool pool) {
    this.pool = pool;
  }

  /** Body {@code {externalOrderId, includePersonalData}}. */
  Future<JsonObject> order(JsonObject request) {
    String id = request.getString("externalOrderId");
    return pool.preparedQuery(ORDER, Tuple.of(id, request.getBoolean("includePersonalData", false)))
      .compose(rows -> {
        if (rows.size() == 0) {
          return Future.failedFuture(new BusReplies.Refused(ErrorCode.NOT_FOUND, "No order with external id " + id));
        }
        Row row = rows.iterator().next();
        JsonObject order = new JsonObject()
          .put("externalOrderId", row.getString("external_order_id"))
          .put("status", row.getString("status"))
          .put("packageCode", row.getString("package_code"))
          .put("clientReference", row.getString("client_reference"))
          .put("orderedAt", Rows.instant(row, "ordered_at"))
          .put("completedAt", Rows.instant(row, "completed_at"))
          .put("version", row.getInteger("version"))
          .put("sourceSystem", row.getString("source_system"))
          .put("lastEventId", row.getString("last_event_id"))
          .put("lastEventOccurredAt", Rows.instant(row, "last_event_occurred_at"))
          .put("createdBy", row.getString("created_by"))
          .put("createdOn", Rows.instant(row, "created_on"))
          .put("createdCorrelationId", row.getString("created_correlation_id"))
          .put("updatedBy", row.getString("updated_by"))
          .put("updatedOn", Rows.instant(row, "updated_on"))
          .put("updatedCorrelationId", row.getString("updated_correlation_id"))
          .put("personalDataErasedAt", Rows.instant(row, "personal_data_erased_at"))
          .put("document", row.getValue("document"));
        if (request.getBoolean("includePersonalData", false)) {
          order.put("candidate", row.getValue("candidate"));
        }
        return history(id, "cisive").map(events -> order.put("events", events));
      });
  }

  /** Body {@code {paymentIntentId, includePersonalData}}; 404 with code 5113 when unknown. */
  Future<JsonObject> payment(JsonObject request) {
    String id = request.getString("paymentIntentId");
    return pool.preparedQuery(PAYMENT, Tuple.of(id, request.getBoolean("includePersonalData", false)))
      .compose(rows -> {
        if (rows.size() == 0) {
          return Future.failedFuture(new BusReplies.Refused(ErrorCode.PAYMENT_NOT_FOUND, "No payment with payment intent id " + id));
        }
        Row row = rows.iterator().next();
        JsonObject payment = new JsonObject()
          .put("paymentId", row.getString("payment_intent_id"))
          .put("status", row.getString("status"))
          .put("amount", row.getLong("amount"))
          .put("currency", row.getString("currency"))
          .put("livemode", row.getBoolean("livemode"))
          .put("version", row.getInteger("version"))
          .put("sourceSystem", row.getString("source_system"))
          .put("lastEventId", row.getString("last_event_id"))
          .put("lastEventType", row.getString("last_event_type"))
          .put("lastEventCreated", Rows.instant(row, "last_event_created"))
          .put("disputeId", row.getString("dispute_id"))
          .put("disputeStatus", row.getString("dispute_status"))
          .put("createdOn", Rows.instant(row, "created_on"))
          .put("createdCorrelationId", row.getString("created_correlation_id"))
          .put("updatedOn", Rows.instant(row, "updated_on"))
          .put("updatedCorrelationId", row.getString("updated_correlation_id"));
        if (request.getBoolean("includePersonalData", false)) {
          payment.put("metadata", row.getValue("metadata")).put("document", row.getValue("document"));
        }
        return history(id, "stripe").map(events -> payment.put("events", events));
      });
  }

  private Future<JsonArray> history(String externalId, String source) {
    return pool.preparedQuery(HISTORY, Tuple.of(externalId, source)).map(rows -> {
      JsonArray events = new JsonArray();
      rows.forEach(row -> events.add(new JsonObject()
        .put("eventId", row.getString("event_id"))
        .put("eventType", row.getString("event_type"))
        .put("status", row.getString("status"))
        .put("occurredAt", Rows.instant(row, "occurred_at"))
        .put("receivedAt", Rows.instant(row, "received_at"))));
      return events;
    });
  }
}
