package io.webhookinbox.ingest;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;

/** The SQL on {@code webhook_events} that ingestion runs, all prepared and cached per connection. */
final class EventStore {
  /** Channel the retry scheduler LISTENs on; notified when an event is queued for retry. */
  static final String RETRY_CHANNEL = "webhook_inbox_retry";

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
    + " processed_at = clock_timestamp(), processing_ms = $4 WHERE id = $1";

  static final String FIND_EXISTING = "SELECT status, resource_version, external_id,"
    + " payload = $3::text::jsonb AS same_payload FROM webhook_events WHERE source = $1 AND event_id = $2";

  static final String NOTIFY_RETRY = "SELECT pg_notify('" + RETRY_CHANNEL + "', '')";

  /** An event already stored under the same (source, event id). */
  record Existing(EventStatus status, Integer resourceVersion, String externalId, boolean samePayload) {
  }

  private EventStore() {
  }

  static Tuple newEventParams(IngestCommand command, String correlationId, String principal) {
    return Tuple.of(command.source(), command.eventId(), command.eventType(), command.externalId(),
        command.occurredAt(), command.schemaVersion(), command.rawPayload(), command.payloadSha256(), correlationId)
      .addValue(principal)
      .addValue(OffsetDateTime.ofInstant(command.receivedAt(), java.time.ZoneOffset.UTC));
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

  static Future<Void> finish(SqlClient client, long id, EventStatus status, Integer resourceVersion,
                             int processingMs) {
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

  static Future<Void> notifyRetry(SqlClient client) {
    return client.query(NOTIFY_RETRY).execute().mapEmpty();
  }

  private static Long firstId(RowSet<Row> rows) {
    return rows.size() == 0 ? null : rows.iterator().next().getLong("id");
  }
}
