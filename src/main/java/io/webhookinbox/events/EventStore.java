package io.webhookinbox.events;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.webhookinbox.db.Pools;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How new deliveries enter {@code webhook_events}: one at a time, as a group commit, as a failure queued for a
 * retry, and how a stored event is found again by its key. The transitions after that are {@link EventClaims}'; the
 * state machine is in this package's documentation.
 */
public final class EventStore {
  private static final String COLUMNS = "source, event_id, event_type, external_id, occurred_at, schema_version, "
    + "payload, payload_sha256, correlation_id, principal, received_at, trace_parent";
  private static final String VALUES = "$1, $2, $3, $4, $5, $6, $7::text::jsonb, $8, $9, $10, $11, $12";

  /**
   * A new event claims its key first: the key table, not the partitioned inbox, holds (source, event id) unique,
   * and keeps it after the payload's partition is dropped. No row back means the id is taken.
   */
  private static final String CLAIM_KEY = "WITH keyed AS (INSERT INTO webhook_event_keys (event_id, source,"
    + " received_at, payload_sha256) VALUES ($2, $1, $11, decode($8, 'hex')) ON CONFLICT DO NOTHING RETURNING 1)"
    + " INSERT INTO webhook_events (" + COLUMNS;
  private static final String SELECT_VALUES = " SELECT " + VALUES;

  static final String INSERT_NEW = CLAIM_KEY + ", status, attempts)" + SELECT_VALUES + ", $13, 1 FROM keyed"
    + " RETURNING id";

  static final String INSERT_FAILED = CLAIM_KEY + ", status, attempts, next_attempt_at, last_error)" + SELECT_VALUES
    + ", $13, 1, clock_timestamp() + $14::bigint * interval '1 millisecond', $15 FROM keyed RETURNING id";

  // Every statement on stored events names their receipt times and is planned per use: PostgreSQL then plans and
  // locks those days' partitions only, not every partition of the retention period (a plan over ~100 partitions
  // costs more than the event's work).

  /**
   * Ends the attempts of one transaction (a delivery applied alone, a chunk of claims): one statement, so the rollup
   * triggers fire once for them all.
   */
  static final String FINISH = Pools.plannedPerUse("UPDATE webhook_events e SET status = f.status,"
    + " resource_version = f.version, processed_at = clock_timestamp(), processing_ms = f.ms, lease_token = NULL,"
    + " lease_until = NULL, next_attempt_at = NULL"
    + " FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::int[], $5::int[])"
    + " AS f(id, received_at, status, version, ms)"
    + " WHERE e.id = f.id AND e.received_at = f.received_at AND e.received_at = ANY($2)");

  static final String SET_RESOURCE_VERSION = Pools.plannedPerUse("UPDATE webhook_events SET resource_version = $3"
    + " WHERE event_id = $1 AND source = $2 AND received_at = $4");

  /** Where an event id's key points, and whether the delivery's body hashes as the stored one did. */
  static final String FIND_KEY = "SELECT received_at, payload_sha256 = decode($3, 'hex') AS same_hash"
    + " FROM webhook_event_keys WHERE source = $1 AND event_id = $2";

  /**
   * The stored event a key points to. No row once retention dropped its partition (the key stays for
   * retention.dedupKeys): then only the hash in the key can say whether it is the same event.
   */
  static final String FIND_EVENT_AT = Pools.plannedPerUse("SELECT status, resource_version, external_id,"
    + " payload = $4::text::jsonb AS same_payload FROM webhook_events"
    + " WHERE source = $1 AND event_id = $2 AND received_at = $3");

  /**
   * Group commit, first half: the batch's deliveries of one source ($1) as rows, their keys claimed (in key order),
   * the deliveries whose key was taken already (the statement reads only the key table: the stored events are looked
   * up afterwards, by their day, for the few deliveries that are copies), the fresh ones, and the newest fresh event
   * per resource. Every key is simply inserted: the insert's own conflict check finds the taken ones, and only those
   * are looked up, so a fresh delivery costs one probe of the key index, not two. Only an event whose key this
   * statement claimed is applied: one whose key another transaction claimed meanwhile leaves no trace (and, its key
   * being newer than the statement's snapshot, is not found as existing either), so the statement can commit on its
   * own. Deliveries with the same event id never share a batch. Lookups are LATERAL with LIMIT 1, which keeps the
   * planner from flattening them into a join: one index probe per delivery. The plan is cached per connection, and
   * a join planned at some table size (a hash or merge join) would scan the whole table or index for every batch.
   */
  private static final String BATCH_SELECT = """
    WITH input AS (
      SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::text[],
                           $8::text[], $9::text[], $10::text[], $11::timestamptz[], $12::bool[], $13::int[],
                           $14::text[])
        AS i(event_id, event_type, external_id, occurred_at, schema_version, payload, payload_sha256,
             correlation_id, principal, received_at, apply, waited_ms, trace_parent)
    ),
    keyed AS (
      INSERT INTO webhook_event_keys (event_id, source, received_at, payload_sha256)
      SELECT event_id, $1, received_at, decode(payload_sha256, 'hex') FROM input ORDER BY event_id
      ON CONFLICT DO NOTHING
      RETURNING event_id
    ),
    existing AS (
      SELECT i.event_id, k.received_at, k.payload_sha256 = decode(i.payload_sha256, 'hex') AS same_hash
        FROM input i
        CROSS JOIN LATERAL (SELECT received_at, payload_sha256 FROM webhook_event_keys
                             WHERE event_id = i.event_id AND source = $1 LIMIT 1) k
       WHERE NOT EXISTS (SELECT 1 FROM keyed WHERE keyed.event_id = i.event_id)
    ),
    fresh AS (
      SELECT i.*, i.payload::jsonb AS document FROM input i JOIN keyed USING (event_id)
    ),
    newest AS (
      SELECT DISTINCT ON (external_id) f.* FROM fresh f
       WHERE apply ORDER BY external_id, occurred_at DESC, %s event_id COLLATE "C" DESC
    ),
    """;

  /**
   * Group commit, second half, after the source's {@code upserted} and {@code current} CTEs: every fresh event is
   * inserted in its final status (processed when it is what its resource now reflects, stale when a newer event
   * is, ignored when its type is not applied), and each delivery gets one row back: its new status, or what is
   * stored under its id. A fresh event that comes back with neither lost its key to another transaction.
   */
  private static final String BATCH_RECORD = """
    ,
    inserted AS (
      INSERT INTO webhook_events (source, event_id, event_type, external_id, occurred_at, schema_version, payload,
                                  payload_sha256, correlation_id, principal, received_at, trace_parent, status,
                                  attempts, resource_version, processed_at, processing_ms)
      SELECT $1, f.event_id, f.event_type, f.external_id, f.occurred_at, f.schema_version, f.document,
             f.payload_sha256, f.correlation_id, f.principal, f.received_at, f.trace_parent,
             CASE WHEN NOT f.apply THEN 'ignored' WHEN u.event_id = f.event_id THEN 'processed' ELSE 'stale' END, 1,
             CASE WHEN f.apply THEN coalesce(u.version, c.version) END,
             CASE WHEN f.apply THEN clock_timestamp() END,
             CASE WHEN f.apply
               THEN f.waited_ms + (extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000)::int END
        FROM fresh f LEFT JOIN upserted u ON u.resource_id = f.external_id
             LEFT JOIN current c ON c.resource_id = f.external_id
       ORDER BY f.event_id
      RETURNING event_id, status, resource_version
    )
    SELECT event_id, n.status, n.resource_version, x.received_at, x.same_hash -- read by position in ingestBatch
      FROM input i LEFT JOIN inserted n USING (event_id) LEFT JOIN existing x USING (event_id)
    """;

  /** An event already stored under the same (source, event id); status null when retention dropped its row. */
  public record Existing(EventStatus status, Integer resourceVersion, String externalId, boolean samePayload) {
  }

  /** What the group commit statement says of one delivery: its new status, or the stored event's. */
  public record BatchRow(EventStatus inserted, Integer version, Existing existing) {
  }

  private EventStore() {
  }

  private static Tuple newEventParams(NewEvent event) {
    NewEvent.Identity identity = event.identity();
    return Tuple.of(identity.source(), identity.eventId(), identity.eventType(), identity.externalId(),
        identity.occurredAt(), identity.schemaVersion(), event.body().raw(), event.body().sha256(),
        event.receipt().correlationId())
      .addValue(event.receipt().principal())
      .addValue(event.receipt().utc())
      .addValue(event.receipt().traceParent());
  }

  /** Inserts the event; returns its row id, or null when (source, event id) already exists. */
  public static Future<Long> insertNew(SqlClient client, NewEvent event, EventStatus status) {
    return client.preparedQuery(INSERT_NEW).execute(newEventParams(event).addValue(status.db()))
      .map(EventStore::firstId);
  }

  /** Inserts the event as failed (due for a retry after {@code delayMs}) or dead; null when its id is taken. */
  public static Future<Long> insertFailed(SqlClient client, NewEvent event, EventStatus status, long delayMs,
                                          String error) {
    return client.preparedQuery(INSERT_FAILED)
      .execute(newEventParams(event).addValue(status.db()).addValue(delayMs).addValue(error))
      .map(EventStore::firstId);
  }

  /**
   * The group commit statement of a source whose applier gives {@code sourceCtes} and, to order one resource's
   * events of the same moment, {@code rank} (see SourceApplier).
   */
  public static String batchStatement(String sourceCtes, String rank) {
    return BATCH_SELECT.formatted("0".equals(rank) ? "" : "(" + rank + ") DESC,") + sourceCtes + BATCH_RECORD;
  }

  /**
   * Records and applies the deliveries (all of one source, distinct event ids) in one statement; the rows come
   * back in the deliveries' order.
   */
  public static Future<List<BatchRow>> ingestBatch(SqlClient client, String statement, String source,
                                                   List<NewEvent> deliveries) {
    int n = deliveries.size();
    Map<String, Integer> position = new HashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      position.put(deliveries.get(i).identity().eventId(), i);
    }
    Tuple params = batchParams(source, deliveries);
    return client.preparedQuery(statement).execute(params).compose(rows -> {
      BatchRow[] ordered = new BatchRow[n];
      List<Future<Void>> copies = new ArrayList<>();
      for (Row row : rows) {
        // By position, in the order of the statement's last SELECT: a lookup by name searches the columns each time.
        int at = position.get(row.getString(0));
        String inserted = row.getString(1);
        OffsetDateTime storedAt = row.getOffsetDateTime(3);
        ordered[at] = new BatchRow(inserted == null ? null : EventStatus.fromDb(inserted), row.getInteger(2), null);
        if (inserted == null && storedAt != null) {
          // A copy of a stored event (rare but for redeliveries): what is stored, read from its day's partition.
          // All copies' lookups are sent at once: on one connection the client pipelines them in one round trip.
          boolean sameHash = Boolean.TRUE.equals(row.getBoolean(4));
          copies.add(existingAt(client, deliveries.get(at), storedAt, sameHash).map(existing -> {
            ordered[at] = new BatchRow(null, null, existing);
            return null;
          }));
        }
      }
      return Future.all(copies).map(done -> Arrays.asList(ordered));
    });
  }

  /** The parameters of a {@link #batchStatement} for the deliveries (all of {@code source}): one array per column. */
  public static Tuple batchParams(String source, List<NewEvent> deliveries) {
    int n = deliveries.size();
    String[] ids = new String[n];
    String[] types = new String[n];
    String[] externalIds = new String[n];
    OffsetDateTime[] occurredAt = new OffsetDateTime[n];
    String[] schemaVersions = new String[n];
    String[] payloads = new String[n];
    String[] hashes = new String[n];
    String[] correlationIds = new String[n];
    String[] principals = new String[n];
    OffsetDateTime[] receivedAt = new OffsetDateTime[n];
    Boolean[] apply = new Boolean[n];
    Integer[] waitedMs = new Integer[n];
    String[] traceParents = new String[n];
    long now = System.nanoTime();
    for (int i = 0; i < n; i++) {
      NewEvent event = deliveries.get(i);
      NewEvent.Identity identity = event.identity();
      ids[i] = identity.eventId();
      types[i] = identity.eventType();
      externalIds[i] = identity.externalId();
      occurredAt[i] = identity.occurredAt();
      schemaVersions[i] = identity.schemaVersion();
      payloads[i] = event.body().raw();
      hashes[i] = event.body().sha256();
      correlationIds[i] = event.receipt().correlationId();
      principals[i] = event.receipt().principal();
      receivedAt[i] = event.receipt().utc();
      apply[i] = event.apply();
      waitedMs[i] = (int) Math.min(Integer.MAX_VALUE, (now - event.receipt().nanos()) / 1_000_000);
      traceParents[i] = event.receipt().traceParent();
    }
    return Tuple.tuple().addString(source).addArrayOfString(ids).addArrayOfString(types)
      .addArrayOfString(externalIds).addArrayOfOffsetDateTime(occurredAt).addArrayOfString(schemaVersions)
      .addArrayOfString(payloads).addArrayOfString(hashes).addArrayOfString(correlationIds)
      .addArrayOfString(principals).addArrayOfOffsetDateTime(receivedAt).addArrayOfBoolean(apply)
      .addArrayOfInteger(waitedMs).addArrayOfString(traceParents);
  }

  /** @param processingMs null for an event that was not applied (ignored): it has no processing time */
  public static Future<Void> finish(SqlClient client, long id, OffsetDateTime receivedAt, EventStatus status,
                             Integer resourceVersion, Integer processingMs) {
    return finish(client, new Long[] {id}, new OffsetDateTime[] {receivedAt}, new String[] {status.db()},
      new Integer[] {resourceVersion}, new Integer[] {processingMs});
  }

  /** {@link #finish(SqlClient, long, OffsetDateTime, EventStatus, Integer, Integer)} for many events, by position. */
  static Future<Void> finish(SqlClient client, Long[] ids, OffsetDateTime[] receivedAt, String[] statuses,
                             Integer[] resourceVersions, Integer[] processingMs) {
    return client.preparedQuery(FINISH).execute(Tuple.tuple().addArrayOfLong(ids).addArrayOfOffsetDateTime(receivedAt)
      .addArrayOfString(statuses).addArrayOfInteger(resourceVersions).addArrayOfInteger(processingMs)).mapEmpty();
  }

  public static Future<Void> setResourceVersion(SqlClient client, NewEvent event, Integer version) {
    return client.preparedQuery(SET_RESOURCE_VERSION).execute(Tuple.of(event.eventId(), event.source(), version,
      event.receipt().utc())).mapEmpty();
  }

  /** What is stored under the delivery's event id: null when nothing, a status-less event when only its key is. */
  public static Future<Existing> findExisting(SqlClient client, NewEvent event) {
    return client.preparedQuery(FIND_KEY)
      .execute(Tuple.of(event.source(), event.eventId(), event.body().sha256()))
      .compose(rows -> {
        if (rows.size() == 0) {
          return Future.succeededFuture();
        }
        Row key = rows.iterator().next();
        return existingAt(client, event, key.getOffsetDateTime("received_at"),
          Boolean.TRUE.equals(key.getBoolean("same_hash")));
      });
  }

  private static Future<Existing> existingAt(SqlClient client, NewEvent event, OffsetDateTime storedAt,
                                             boolean sameHash) {
    return client.preparedQuery(FIND_EVENT_AT)
      .execute(Tuple.of(event.source(), event.eventId(), storedAt, event.body().raw()))
      .map(rows -> {
        if (rows.size() == 0) {
          return new Existing(null, null, null, sameHash);
        }
        Row row = rows.iterator().next();
        return new Existing(EventStatus.fromDb(row.getString("status")), row.getInteger("resource_version"),
          row.getString("external_id"), sameHash || Boolean.TRUE.equals(row.getBoolean("same_payload")));
      });
  }

  private static Long firstId(RowSet<Row> rows) {
    return rows.size() == 0 ? null : rows.iterator().next().getLong("id");
  }
}
