package io.webhookinbox.db;

import io.vertx.sqlclient.Row;
import io.webhookinbox.api.Rfc3339;

/** Row values as answers give them. */
public final class Rows {
  private Rows() {
  }

  /** A timestamp column as RFC 3339 text in UTC; null stays null. */
  public static String instant(Row row, String column) {
    return Rfc3339.utc(row.getOffsetDateTime(column));
  }
}
