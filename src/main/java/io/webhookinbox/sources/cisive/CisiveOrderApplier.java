package io.webhookinbox.sources.cisive;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.webhookinbox.api.Rfc3339;
import io.webhookinbox.events.Applied;
import io.webhookinbox.source.SourceApplier;
import io.webhookinbox.source.Upserts;
import io.webhookinbox.events.StoredEvent;

/**
 * Upserts {@code orders} by external order id. An event changes the order only when it is newer than the last one
 * applied, by {@code occurredAt} as an instant (offsets normalised by timestamptz) and then by event id, so any
 * arrival order converges on the same state and an older event never rolls an order back. Event ids compare byte
 * by byte ({@code COLLATE "C"}), not under the database's collation, which may be linguistic and can change with an
 * ICU or C library upgrade.
 */
public final class CisiveOrderApplier implements SourceApplier {
  private static final String INSERT_ORDER = """
    INSERT INTO orders AS o (external_order_id, status, package_code, client_reference, ordered_at, completed_at,
                             candidate, document, last_event_id, last_event_occurred_at,
                             created_by, created_correlation_id, updated_by, updated_correlation_id)
    """;

  /** Newer wins: an order changes only for an event after the one it reflects (occurredAt, then event id). */
  private static final String ON_CONFLICT_NEWER_WINS = """
    ON CONFLICT (external_order_id) DO UPDATE SET
      status = EXCLUDED.status,
      package_code = EXCLUDED.package_code,
      client_reference = EXCLUDED.client_reference,
      ordered_at = EXCLUDED.ordered_at,
      completed_at = EXCLUDED.completed_at,
      candidate = EXCLUDED.candidate,
      document = EXCLUDED.document,
      last_event_id = EXCLUDED.last_event_id,
      last_event_occurred_at = EXCLUDED.last_event_occurred_at,
      version = o.version + 1,
      updated_by = EXCLUDED.updated_by,
      updated_on = now(),
      updated_correlation_id = EXCLUDED.updated_correlation_id
    WHERE (o.last_event_occurred_at, o.last_event_id COLLATE "C")
        < (EXCLUDED.last_event_occurred_at, EXCLUDED.last_event_id COLLATE "C")
    """;

  static final String UPSERT_ORDER = Upserts.orCurrentVersion(INSERT_ORDER
    + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $11, $12)\n"
    + ON_CONFLICT_NEWER_WINS + "RETURNING version", "orders", "external_order_id");

  /** {@link #UPSERT_ORDER} for the newest event per order of a group commit (see {@link #batchUpsert()}). */
  static final String BATCH_UPSERT = """
    upserted AS (
    """ + INSERT_ORDER + """
    SELECT external_id, document->'order'->>'status', document->'order'->>'packageCode',
           document->'order'->>'clientReference', (document->'order'->>'orderedAt')::timestamptz,
           (document->'order'->>'completedAt')::timestamptz, document->'order'->'candidate', document->'order',
           event_id, occurred_at, principal, correlation_id, principal, correlation_id
      FROM newest ORDER BY external_id
    """ + ON_CONFLICT_NEWER_WINS + """
    RETURNING external_order_id AS resource_id, version, last_event_id AS event_id
    ),
    current AS MATERIALIZED (
      SELECT f.external_id AS resource_id, o.version
        FROM (SELECT external_id FROM fresh WHERE apply EXCEPT SELECT resource_id FROM upserted) f
        CROSS JOIN LATERAL (SELECT version FROM orders WHERE external_order_id = f.external_id LIMIT 1) o
    )""";

  static final String CURRENT_VERSION = "SELECT version FROM orders WHERE external_order_id = $1";

  @Override
  public String source() {
    return CisiveSource.NAME;
  }

  @Override
  public Future<Integer> currentVersion(SqlConnection connection, String externalOrderId) {
    return connection.preparedQuery(CURRENT_VERSION).execute(Tuple.of(externalOrderId))
      .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getInteger("version"));
  }

  @Override
  public String batchUpsert() {
    return BATCH_UPSERT;
  }

  @Override
  public Future<Applied> apply(SqlConnection connection, StoredEvent event) {
    JsonObject order = event.payload().getJsonObject("order");
    Tuple params = Tuple.of(event.externalId(), order.getString("status"), order.getString("packageCode"),
        order.getString("clientReference"),
        Rfc3339.parseOptional(order.getString("orderedAt"), "/order/orderedAt"),
        Rfc3339.parseOptional(order.getString("completedAt"), "/order/completedAt"),
        order.getJsonObject("candidate"), order, event.eventId(), event.occurredAt())
      .addValue(event.principal())
      .addValue(event.correlationId());
    return connection.preparedQuery(UPSERT_ORDER).execute(params)
      .compose(rows -> Upserts.applied(rows, () -> currentVersion(connection, event.externalId())));
  }
}
