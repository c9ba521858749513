package io.webhookinbox.sources.cisive;

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
 * {@code GET /api/orders/{externalOrderId}}: the current order. The candidate is returned only to
 * {@code webhooks:admin}. Others see the order's document through the allow-list of known, non-personal fields
 * ({@code cisive_order_public}, the list erasure keeps): the stored document keeps unknown properties, and any of
 * them may hold personal data.
 */
final class CisiveOrders implements Resource {
  static final String ORDER = """
    SELECT external_order_id, status, package_code, client_reference, ordered_at, completed_at, version,
           source_system, last_event_id, last_event_occurred_at, created_by, created_on, created_correlation_id,
           updated_by, updated_on, updated_correlation_id, personal_data_erased_at,
           CASE WHEN $2 THEN candidate END AS candidate,
           CASE WHEN $2 THEN document ELSE cisive_order_public(document) END AS document
    FROM orders WHERE external_order_id = $1""";

  @Override
  public String path() {
    return "/api/orders/:externalOrderId";
  }

  @Override
  public String idParam() {
    return "externalOrderId";
  }

  @Override
  public Future<JsonObject> read(SqlClient client, String id, boolean personal) {
    return client.preparedQuery(ORDER).execute(Tuple.of(id, personal)).map(rows -> {
      if (rows.size() == 0) {
        throw new ApiError(ErrorCode.NOT_FOUND, "No order with external id " + id);
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
      if (personal) {
        order.put("candidate", row.getValue("candidate"));
      }
      return order;
    });
  }
}
