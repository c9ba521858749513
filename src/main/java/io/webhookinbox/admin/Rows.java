package io.webhookinbox.admin;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.webhookinbox.api.Rfc3339;

/** Row → JSON helpers shared by the operator queries. */
final class Rows {
  private Rows() {
  }

  static String instant(Row row, String column) {
    return Rfc3339.utc(row.getOffsetDateTime(column));
  }

  /** The source's business key under the name the source uses for it. */
  static JsonObject putExternalId(JsonObject target, String source, String externalId) {
    return target.put("stripe".equals(source) ? "paymentId" : "externalOrderId", externalId);
  }
}
