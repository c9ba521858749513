package io.webhookinbox.source;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.webhookinbox.events.Applied;

import java.util.function.Supplier;

/**
 * A source's upsert of one event, newer wins, answering in one statement both when the event changed its resource
 * and when it is older than what the resource reflects: then with the resource's version as stored. Without it a
 * stale event (most of a bulk replay) costs a second statement to read that version.
 */
public final class Upserts {
  private Upserts() {
  }

  /**
   * @param upsert   {@code INSERT … ON CONFLICT … DO UPDATE … WHERE <newer> RETURNING version}, the resource id as $1
   * @param table    the resources' table
   * @param idColumn its column that {@code $1} matches
   * @return a statement whose row is {@code version, stale}
   */
  public static String orCurrentVersion(String upsert, String table, String idColumn) {
    return "WITH upserted AS (" + upsert + ")\nSELECT version, false AS stale FROM upserted\nUNION ALL\n"
      + "SELECT version, true FROM " + table + " WHERE " + idColumn + " = $1 AND NOT EXISTS (SELECT 1 FROM upserted)";
  }

  /**
   * What an {@link #orCurrentVersion} statement did. No row: the event is stale against a resource committed after
   * the statement's snapshot (another transaction created it meanwhile), which only a new statement sees.
   */
  public static Future<Applied> applied(RowSet<Row> rows, Supplier<Future<Integer>> currentVersion) {
    if (rows.size() == 0) {
      return currentVersion.get().map(version -> new Applied(true, version));
    }
    Row row = rows.iterator().next();
    return Future.succeededFuture(new Applied(row.getBoolean(1), row.getInteger(0)));
  }
}
