package io.webhookinbox.sources.stripe;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.webhookinbox.api.ApiError;
import io.webhookinbox.api.ErrorCode;
import io.webhookinbox.db.Rows;
import io.webhookinbox.source.Resource;

/**
 * {@code GET /api/payments/{paymentIntentId}}: the current payment; 404 with code 5113 when unknown. Its metadata
 * and document (which can carry emails and addresses) only for {@code webhooks:admin}.
 */
final class Payments implements Resource {
  static final String PAYMENT = """
    SELECT payment_intent_id, status, amount, currency, livemode, version, source_system, last_event_id,
           last_event_type, last_event_created, dispute ->> 'id' AS dispute_id, dispute ->> 'status' AS dispute_status,
           created_on, created_correlation_id, updated_on, updated_correlation_id,
           CASE WHEN $2 THEN metadata END AS metadata, CASE WHEN $2 THEN document END AS document
    FROM payments WHERE payment_intent_id = $1""";

  @Override
  public String path() {
    return "/api/payments/:paymentIntentId";
  }

  @Override
  public String idParam() {
    return "paymentIntentId";
  }

  @Override
  public Future<JsonObject> read(SqlClient client, String id, boolean personal) {
    return client.preparedQuery(PAYMENT).execute(Tuple.of(id, personal)).map(rows -> {
      if (rows.size() == 0) {
        throw new ApiError(ErrorCode.PAYMENT_NOT_FOUND, "No payment with payment intent id " + id);
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
      if (personal) {
        payment.put("metadata", row.getValue("metadata")).put("document", row.getValue("document"));
      }
      return payment;
    });
  }
}
