package io.webhookinbox.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;

/**
 * The statistics rollup is kept by a row-level trigger. Statements that change many events at once take this
 * transaction-scoped advisory lock first, so two of them (two replicas claiming, a claim and a bulk replay) never
 * lock rollup rows in opposite orders. See the V4 migration.
 */
public final class RollupLocks {
  static final String TAKE_MULTI_ROW = "SELECT pg_advisory_xact_lock(7316402051)";

  private RollupLocks() {
  }

  /** Takes the lock in the caller's transaction; it is released at commit or rollback. */
  public static Future<Void> multiRow(SqlConnection connection) {
    return connection.query(TAKE_MULTI_ROW).execute().mapEmpty();
  }
}
