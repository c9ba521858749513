package io.webhookinbox.admin;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Row → JSON helpers shared by the operator queries. */
final class Rows {
  private Rows() {
  }

  static String instant(Row row, String column) {
    OffsetDateTime value = row.getOffsetDateTime(column);
    return value == null ? null : value.withOffsetSameInstant(ZoneOffset.UTC).toString();
  }

  /** The source's business key under the name the source uses for it. */
  static JsonObject putExternalId(JsonObject target, String source, String externalId) {
    return target.put("stripe".equals(source) ? "paymentId" : "externalOrderId", externalId);
  }
}
