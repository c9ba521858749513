package io.webhookinbox.sources.stripe;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.webhookinbox.events.Applied;
import io.webhookinbox.source.SourceApplier;
import io.webhookinbox.source.Upserts;
import io.webhookinbox.events.StoredEvent;

import java.util.Map;

/**
 * Upserts {@code payments} by payment intent id. A payment changes only for a newer event: by the event's
 * {@code created} second, then by a rank that puts final outcomes (succeeded, canceled) after a failed attempt in
 * the same second, then by event id. A dispute is attached to its payment; a dispute for an unknown payment fails
 * (code 5113) and is retried, since the payment's own events may arrive later.
 */
public final class PaymentApplier implements SourceApplier {
  private static final String INSERT_PAYMENT = """
    INSERT INTO payments AS p (payment_intent_id, status, amount, currency, metadata, livemode, document,
                               last_event_id, last_event_type, last_event_created, last_event_rank,
                               created_correlation_id, updated_correlation_id)
    """;

  /** Newer wins: a payment changes only for an event after the one it reflects (created, rank, event id). */
  private static final String ON_CONFLICT_NEWER_WINS = """
    ON CONFLICT (payment_intent_id) DO UPDATE SET
      status = EXCLUDED.status,
      amount = EXCLUDED.amount,
      currency = EXCLUDED.currency,
      metadata = EXCLUDED.metadata,
      livemode = EXCLUDED.livemode,
      document = EXCLUDED.document,
      last_event_id = EXCLUDED.last_event_id,
      last_event_type = EXCLUDED.last_event_type,
      last_event_created = EXCLUDED.last_event_created,
      last_event_rank = EXCLUDED.last_event_rank,
      version = p.version + 1,
      updated_on = now(),
      updated_correlation_id = EXCLUDED.updated_correlation_id
    WHERE (p.last_event_created, p.last_event_rank, p.last_event_id COLLATE "C")
        < (EXCLUDED.last_event_created, EXCLUDED.last_event_rank, EXCLUDED.last_event_id COLLATE "C")
    """;

  static final String UPSERT_PAYMENT = Upserts.orCurrentVersion(INSERT_PAYMENT
    + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)\n" + ON_CONFLICT_NEWER_WINS
    + "RETURNING version", "payments", "payment_intent_id");

  /** The rank of an event type in SQL, as {@link #RANK} gives it in Java: the batch orders by it too. */
  static final String RANK_SQL = "CASE event_type WHEN 'payment_intent.payment_failed' THEN 1"
    + " WHEN 'payment_intent.succeeded' THEN 2 WHEN 'payment_intent.canceled' THEN 2 ELSE 0 END";

  /** {@link #UPSERT_PAYMENT} for the newest event per payment of a group commit (see {@link #batchUpsert()}). */
  static final String BATCH_UPSERT = """
    upserted AS (
    """ + INSERT_PAYMENT + """
    SELECT external_id, document->'data'->'object'->>'status', (document->'data'->'object'->>'amount')::bigint,
           document->'data'->'object'->>'currency', coalesce(document->'data'->'object'->'metadata', '{}'),
           coalesce((document->>'livemode')::boolean, false), document->'data'->'object', event_id, event_type,
           occurred_at, """ + RANK_SQL + """
    , correlation_id, correlation_id
      FROM newest ORDER BY external_id
    """ + ON_CONFLICT_NEWER_WINS + """
    RETURNING payment_intent_id AS resource_id, version, last_event_id AS event_id
    ),
    current AS MATERIALIZED (
      SELECT f.external_id AS resource_id, p.version
        FROM (SELECT external_id FROM fresh WHERE apply EXCEPT SELECT resource_id FROM upserted) f
        CROSS JOIN LATERAL (SELECT version FROM payments WHERE payment_intent_id = f.external_id LIMIT 1) p
    )""";

  static final String ATTACH_DISPUTE = """
    UPDATE payments SET dispute = $2, dispute_event_created = $3, version = version + 1, updated_on = now(),
                        updated_correlation_id = $4
    WHERE payment_intent_id = $1 AND (dispute_event_created IS NULL OR dispute_event_created < $3)
    RETURNING version""";

  static final String CURRENT_VERSION = "SELECT version FROM payments WHERE payment_intent_id = $1";

  private static final Map<String, Integer> RANK = Map.of("payment_intent.payment_failed", 1,
    "payment_intent.succeeded", 2, "payment_intent.canceled", 2);

  @Override
  public String source() {
    return StripeSource.NAME;
  }

  @Override
  public String batchUpsert() {
    return BATCH_UPSERT;
  }

  @Override
  public String batchRank() {
    return RANK_SQL;
  }

  /** A dispute attaches to a payment that may not be stored yet (then it fails and is retried): never batched. */
  @Override
  public boolean batchable(String eventType) {
    return !StripeWebhook.DISPUTE_CREATED.equals(eventType);
  }

  @Override
  public boolean applicable(StoredEvent event) {
    return StripeWebhook.applicable(event.eventType(), event.externalId());
  }

  @Override
  public Future<Applied> apply(SqlConnection connection, StoredEvent event) {
    JsonObject object = event.payload().getJsonObject("data").getJsonObject("object");
    if (StripeWebhook.DISPUTE_CREATED.equals(event.eventType())) {
      return attachDispute(connection, event, object);
    }
    Tuple params = Tuple.of(event.externalId(), object.getString("status"), object.getLong("amount"),
        object.getString("currency"), object.getJsonObject("metadata", new JsonObject()),
        event.payload().getBoolean("livemode", false), object, event.eventId(), event.eventType(), event.occurredAt())
      .addValue(RANK.getOrDefault(event.eventType(), 0))
      .addValue(event.correlationId());
    return connection.preparedQuery(UPSERT_PAYMENT).execute(params)
      .compose(rows -> Upserts.applied(rows, () -> currentVersion(connection, event.externalId())));
  }

  private Future<Applied> attachDispute(SqlConnection connection, StoredEvent event, JsonObject dispute) {
    return connection.preparedQuery(ATTACH_DISPUTE)
      .execute(Tuple.of(event.externalId(), dispute, event.occurredAt(), event.correlationId()))
      .compose(rows -> {
        if (rows.size() > 0) {
          return Future.succeededFuture(new Applied(false, rows.iterator().next().getInteger("version")));
        }
        return currentVersion(connection, event.externalId()).compose(version -> version == null
          ? Future.failedFuture(new PaymentNotFound(event.externalId()))
          : Future.succeededFuture(new Applied(true, version)));
      });
  }

  @Override
  public Future<Integer> currentVersion(SqlConnection connection, String paymentIntentId) {
    return connection.preparedQuery(CURRENT_VERSION).execute(Tuple.of(paymentIntentId))
      .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getInteger("version"));
  }
}
