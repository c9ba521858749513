package io.webhookinbox.audit;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * Writes audit rows. A change records itself with {@link #record} on the connection of its own transaction, so the
 * change and its row commit or roll back together.
 */
public final class AuditTrail {
  static final String INSERT = """
    INSERT INTO operator_audit (actor, action, target, parameters, outcome, result, correlation_id)
    VALUES ($1, $2, $3, $4, $5, $6, $7)""";

  private AuditTrail() {
  }

  /** Adds the row in the caller's transaction; its failure fails (and so rolls back) the change it records. */
  public static Future<Void> record(SqlClient connection, AuditEntry entry) {
    return connection.preparedQuery(INSERT).execute(Tuple.of(entry.caller().actor(), entry.action().value(),
        entry.target(), entry.parameters(), entry.outcome(), entry.result(), entry.caller().correlationId()))
      .mapEmpty();
  }
}
