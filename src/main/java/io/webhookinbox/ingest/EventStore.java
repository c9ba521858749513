package io.webhookinbox.ingest;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/** The SQL on {@code webhook_events} that ingestion and retries run, all prepared and cached per connection. */
final class EventStore {
  private static final String COLUMNS = "source, event_id, event_type, external_id, occurred_at, schema_version, "
    + "payload, payload_sha256, correlation_id, principal, received_at";
  private static final String VALUES = "$1, $2, $3, $4, $5, $6, $7::text::jsonb, $8, $9, $10, $11";

  static final String INSERT_NEW = "INSERT INTO webhook_events (" + COLUMNS + ", status, attempts) VALUES ("
    + VALUES + ", $12, 1) ON CONFLICT (source, event_id) DO NOTHING RETURNING id";

  static final String INSERT_FAILED = "INSERT INTO webhook_events (" + COLUMNS
    + ", status, attempts, next_attempt_at, last_error) VALUES (" + VALUES
    + ", $12, 1, clock_timestamp() + $13::bigint * interval '1 millisecond', $14)"
    + " ON CONFLICT (source, event_id) DO NOTHING RETURNING id";

  static final String FINISH = "UPDATE webhook_events SET status = $2, resource_version = $3,"
    + " processed_at = clock_timestamp(), processing_ms = $4, lease_token = NULL, lease_until = NULL,"
    + " next_attempt_at = NULL WHERE id = $1";

  static final String FIND_EXISTING = "SELECT status, resource_version, external_id,"
    + " payload = $3::text::jsonb AS same_payload FROM webhook_events WHERE source = $1 AND event_id = $2";

  /** A claimed event, locked for the attempt; no row when the lease moved on to another replica. */
  static final String LOAD_CLAIMED = "SELECT source, event_id, event_type, external_id, occurred_at, payload,"
    + " principal, correlation_id, attempts FROM webhook_events"
    + " WHERE id = $1 AND lease_token = $2 AND status = 'processing' FOR UPDATE";

  static final String FAIL_CLAIMED = "UPDATE webhook_events SET status = $3, last_error = $5, lease_token = NULL,"
    + " lease_until = NULL, next_attempt_at = CASE WHEN $3 = 'failed'"
    + " THEN clock_timestamp() + $4::bigint * interval '1 millisecond' END WHERE id = $1 AND lease_token = $2";

  static final String RECORD_ATTEMPT = "INSERT INTO webhook_event_attempts (event_row_id, attempt, started_at,"
    + " finished_at, outcome, error) VALUES ($1, $2, $3, clock_timestamp(), $4, $5) ON CONFLICT DO NOTHING";

  static final String NOTIFY_RETRY = "SELECT pg_notify('" + IngestVerticle.RETRY_CHANNEL + "', '')";

  /** An event already stored under the same (source, event id). */
  record Existing(EventStatus status, Integer resourceVersion, String externalId, boolean samePayload) {
  }

  /** A claimed event ready for another attempt. */
  record Claimed(StoredEvent event, int attempts) {
  }

  private EventStore() {
  }

  private static Tuple newEventParams(IngestCommand command, String correlationId, String principal) {
    return Tuple.of(command.source(), command.eventId(), command.eventType(), command.externalId(),
        command.occurredAt(), command.schemaVersion(), command.rawPayload(), command.payloadSha256(), correlationId)
      .addValue(principal)
      .addValue(OffsetDateTime.ofInstant(command.receivedAt(), ZoneOffset.UTC));
  }

  /** Inserts the event; returns its row id, or null when (source, event id) already exists. */
  static Future<Long> insertNew(SqlClient client, IngestCommand command, String correlationId, String principal,
                                EventStatus status) {
    return client.preparedQuery(INSERT_NEW)
      .execute(newEventParams(command, correlationId, principal).addValue(status.db()))
      .map(EventStore::firstId);
  }

  static Future<Long> insertFailed(SqlClient client, IngestCommand command, String correlationId, String principal,
                                   EventStatus status, long delayMs, String error) {
    return client.preparedQuery(INSERT_FAILED)
      .execute(newEventParams(command, correlationId, principal).addValue(status.db()).addValue(delayMs)
        .addValue(error))
      .map(EventStore::firstId);
  }

  /** @param processingMs null for an event that was not applied (ignored): it has no processing time */
  static Future<Void> finish(SqlClient client, long id, EventStatus status, Integer resourceVersion,
                             Integer processingMs) {
    return client.preparedQuery(FINISH).execute(Tuple.of(id, status.db(), resourceVersion, processingMs))
      .mapEmpty();
  }

  static Future<Existing> findExisting(SqlClient client, IngestCommand command) {
    return client.preparedQuery(FIND_EXISTING)
      .execute(Tuple.of(command.source(), command.eventId(), command.rawPayload()))
      .map(rows -> {
        if (rows.size() == 0) {
          return null;
        }
        Row row = rows.iterator().next();
        return new Existing(EventStatus.fromDb(row.getString("status")), row.getInteger("resource_version"),
          row.getString("external_id"), Boolean.TRUE.equals(row.getBoolean("same_payload")));
      });
  }

  static Future<Claimed> loadClaimed(SqlClient client, long id, UUID leaseToken) {
    return client.preparedQuery(LOAD_CLAIMED).execute(Tuple.of(id, leaseToken)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      Object payload = row.getValue("payload");
      StoredEvent event = new StoredEvent(row.getString("source"), row.getString("event_id"),
        row.getString("event_type"), row.getString("external_id"), row.getOffsetDateTime("occurred_at"),
        payload instanceof JsonObject object ? object : new JsonObject(), row.getString("principal"),
        row.getString("correlation_id"));
      return new Claimed(event, row.getInteger("attempts"));
    });
  }

  /** Returns false when the lease was lost meanwhile (another replica reclaimed the event). */
  static Future<Boolean> failClaimed(SqlClient client, long id, UUID leaseToken, EventStatus status, long delayMs,
                                     String error) {
    return client.preparedQuery(FAIL_CLAIMED).execute(Tuple.of(id, leaseToken, status.db(), delayMs, error))
      .map(rows -> rows.rowCount() == 1);
  }

  static Future<Void> recordAttempt(SqlClient client, long id, int attempt, OffsetDateTime startedAt, String outcome,
                                    String error) {
    return client.preparedQuery(RECORD_ATTEMPT).execute(Tuple.of(id, attempt, startedAt, outcome, error))
      .mapEmpty();
  }

  static Future<Void> notifyRetry(SqlClient client) {
    return client.query(NOTIFY_RETRY).execute().mapEmpty();
  }

  private static Long firstId(RowSet<Row> rows) {
    return rows.size() == 0 ? null : rows.iterator().next().getLong("id");
  }
}
