package io.webhookinbox.audit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.webhookinbox.db.BoundedPool;
import io.webhookinbox.db.BusReplies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes audit rows. A change records itself with {@link #record} on the connection of its own transaction, so
 * the change and its row commit or roll back together. Refused attempts, where nothing changed, and the audit
 * listing are served over the event bus by {@link #serve} on the pool of the verticle that calls it.
 */
public final class AuditTrail {
  static final String REFUSAL_ADDRESS = "webhook-inbox.audit.refused";
  static final String QUERY_ADDRESS = "webhook-inbox.audit.query";
  private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);

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

  /** Registers the consumers that record refusals (each in a small transaction of its own) and list the trail. */
  public static void serve(Vertx vertx, BoundedPool pool) {
    AuditQueries queries = new AuditQueries(pool);
    vertx.eventBus().<JsonObject>localConsumer(REFUSAL_ADDRESS, message ->
      pool.withTransaction(connection -> record(connection, AuditEntry.fromJson(message.body())))
        .onSuccess(recorded -> message.reply(new JsonObject()))
        .onFailure(failure -> BusReplies.fail(message, failure, LOG, "recording a refused operator action")));
    vertx.eventBus().<JsonObject>localConsumer(QUERY_ADDRESS, message -> queries.search(message.body())
      .onSuccess(message::reply)
      .onFailure(failure -> BusReplies.fail(message, failure, LOG, "listing the audit trail")));
  }
}
