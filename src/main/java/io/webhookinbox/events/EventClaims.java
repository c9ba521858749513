package io.webhookinbox.events;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.webhookinbox.db.Pools;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Every transition of a stored event after its first attempt: claims under a lease (by the retry scheduler, by an
 * operator's replay), the attempt's end (finished, failed again, dead), expired leases, bulk requeues, the wake-up
 * NOTIFY and the attempts log. The state machine is in this package's documentation.
 */
public final class EventClaims {
  /** PostgreSQL channel notified when events become due for a retry; every replica's scheduler listens on it. */
  public static final String RETRY_CHANNEL = "webhook_inbox_retry";
  static final String NOTIFY_RETRY = "SELECT pg_notify('" + RETRY_CHANNEL + "', '')";

  /**
   * Statements that change many events at once take this transaction-scoped advisory lock first, so two of them
   * (two replicas claiming, a claim and a bulk replay) never update rollup rows in opposite orders.
   */
  static final String MULTI_ROW_LOCK = "SELECT pg_advisory_xact_lock(7316402051)";

  /**
   * Due retries and expired leases, each from its own partial index ({@code now()} is stable, so it can drive an
   * index condition; each poll is its own transaction).
   */
  static final String CLAIM_DUE = """
    WITH due AS (
      SELECT id, received_at FROM webhook_events
      WHERE status = 'failed' AND next_attempt_at <= now()
      ORDER BY next_attempt_at
      LIMIT $1
      FOR UPDATE SKIP LOCKED),
    expired AS (
      SELECT id, received_at FROM webhook_events
      WHERE status = 'processing' AND lease_until < now() AND attempts <= $3
      LIMIT $1
      FOR UPDATE SKIP LOCKED)
    UPDATE webhook_events e
    SET status = 'processing', attempts = e.attempts + 1, lease_token = gen_random_uuid(),
        lease_until = clock_timestamp() + $2::bigint * interval '1 millisecond'
    FROM (SELECT id, received_at FROM due UNION ALL SELECT id, received_at FROM expired) picked
    WHERE e.id = picked.id AND e.received_at = picked.received_at
    RETURNING e.id, e.received_at, e.source, e.lease_token, e.correlation_id, e.attempts, e.trace_parent""";

  /**
   * Expired leases of events whose attempt was their last allowed one ({@code attempts} counts the first delivery
   * too, so retries made = attempts - 1 reached {@code maxAttempts} = $1): that attempt never finished (its replica
   * crashed or stalled, perhaps because of this very event), so the event is dead, not claimed again forever.
   */
  static final String DEAD_LETTER_EXPIRED = """
    WITH expired AS (
      SELECT id, received_at FROM webhook_events
      WHERE status = 'processing' AND lease_until < now() AND attempts > $1
      LIMIT $2
      FOR UPDATE SKIP LOCKED),
    dead AS (
      UPDATE webhook_events e
      SET status = 'dead', last_error = $3, lease_token = NULL, lease_until = NULL, next_attempt_at = NULL
      FROM expired WHERE e.id = expired.id AND e.received_at = expired.received_at
      RETURNING e.id, e.received_at, e.attempts, e.source, e.correlation_id),
    recorded AS (
      INSERT INTO webhook_event_attempts (event_row_id, event_received_at, attempt, started_at, finished_at, outcome,
                                          error)
      SELECT id, received_at, attempts, clock_timestamp(), clock_timestamp(), 'dead', $3 FROM dead
      ON CONFLICT DO NOTHING)
    SELECT id, source, correlation_id, attempts FROM dead""";

  /**
   * Milliseconds until the next failed event is due or lease runs out (null when there is none), and the backlog.
   * Run prepared: without parameters its plan is made once per connection, where planning it over a retention
   * period of partitions (three scans of each) cost 30-140 ms of database CPU on every poll.
   */
  static final String NEXT_DUE = """
    SELECT (extract(epoch FROM least(
              (SELECT min(next_attempt_at) FROM webhook_events WHERE status = 'failed'),
              (SELECT min(lease_until) FROM webhook_events WHERE status = 'processing'))
            - clock_timestamp()) * 1000)::bigint AS due_in_ms,
           (SELECT count(*) FROM webhook_events WHERE status = 'failed') AS backlog""";

  /** An operator's replay of one event: claimed at once, whatever its schedule. */
  static final String CLAIM_ONE = """
    UPDATE webhook_events
    SET status = 'processing', attempts = attempts + 1, lease_token = gen_random_uuid(),
        lease_until = clock_timestamp() + $3::bigint * interval '1 millisecond', next_attempt_at = NULL
    WHERE event_id = $1 AND ($2::text IS NULL OR source = $2) AND status IN ('failed', 'dead', 'ignored')
    RETURNING id, received_at, source, lease_token, correlation_id, attempts, trace_parent""";

  static final String STATUS_OF = """
    SELECT status FROM webhook_events WHERE event_id = $1 AND ($2::text IS NULL OR source = $2)""";

  /** An operator's bulk replay: the matches become due now, and the schedulers work through them in batches. */
  /** What a bulk replay picks: replayable events in one status, filtered; the filters given null are off. */
  private static final String MATCHING = """
      WHERE status IN ('failed', 'dead', 'ignored') AND status = $1
        AND ($2::text IS NULL OR event_type = $2)
        AND ($3::timestamptz IS NULL OR received_at >= $3)
        AND ($4::timestamptz IS NULL OR received_at < $4)
        AND ($5::text IS NULL OR source = $5)
        AND ($7::text IS NULL OR last_error = $7)""";

  static final String REQUEUE_MATCHING = """
    WITH picked AS (
      SELECT id, received_at FROM webhook_events""" + " " + MATCHING + """

      ORDER BY received_at, id
      LIMIT $6
      FOR UPDATE SKIP LOCKED),
    requeued AS (
      UPDATE webhook_events e SET status = 'failed', next_attempt_at = clock_timestamp()
      FROM picked WHERE e.id = picked.id AND e.received_at = picked.received_at
      RETURNING e.id, e.received_at, e.event_id)
    -- RETURNING follows the join's order, not the pick's: sort again so the answer lists oldest first.
    SELECT event_id FROM requeued ORDER BY received_at, id""";

  /** How many a bulk replay with the same filters would pick at most ($6 is its limit). */
  static final String COUNT_MATCHING = "SELECT count(*) AS matching, least(count(*), $6) AS picked FROM webhook_events "
    + MATCHING;

  /**
   * The claims of one transaction, locked for their attempts; no row for a claim whose lease moved on to another
   * replica. Planned per use with the receipt times as constants, so only their days' partitions are planned and
   * locked.
   */
  static final String LOAD_CLAIMED = Pools.plannedPerUse("SELECT e.id, e.source, e.event_id, e.event_type,"
    + " e.external_id, e.occurred_at, e.payload, e.principal, e.correlation_id, e.attempts FROM webhook_events e"
    + " JOIN unnest($1::bigint[], $2::timestamptz[], $3::uuid[]) AS c(id, received_at, lease_token)"
    + " ON e.id = c.id AND e.received_at = c.received_at AND e.lease_token = c.lease_token"
    + " WHERE e.received_at = ANY($2) AND e.status = 'processing' FOR UPDATE OF e");

  static final String FAIL_CLAIMED = Pools.plannedPerUse("UPDATE webhook_events SET status = $3, last_error = $5,"
    + " lease_token = NULL, lease_until = NULL, next_attempt_at = CASE WHEN $3 = 'failed'"
    + " THEN clock_timestamp() + $4::bigint * interval '1 millisecond' END"
    + " WHERE id = $1 AND received_at = $6 AND lease_token = $2");

  /** Lines of the attempts log; a repeat of an attempt already logged changes nothing. */
  static final String RECORD_ATTEMPTS = "INSERT INTO webhook_event_attempts (event_row_id, event_received_at, attempt,"
    + " started_at, finished_at, outcome, error) SELECT id, received_at, attempt, started_at, clock_timestamp(),"
    + " outcome, error FROM unnest($1::bigint[], $2::timestamptz[], $3::int[], $4::timestamptz[], $5::text[],"
    + " $6::text[]) AS a(id, received_at, attempt, started_at, outcome, error) ON CONFLICT DO NOTHING";

  /**
   * An event claimed under a lease, handed from the scheduler (or a replay) to the ingest verticle that attempts it:
   * the lease token proves the attempt is still this one's when it ends; the trace context is its delivery's.
   */
  public record Claim(long rowId, OffsetDateTime receivedAt, String source, UUID leaseToken, String correlationId,
                      int attempts, String traceParent) {
    static Claim of(Row row) {
      return new Claim(row.getLong("id"), row.getOffsetDateTime("received_at"), row.getString("source"),
        row.getUUID("lease_token"), row.getString("correlation_id"), row.getInteger("attempts"),
        row.getString("trace_parent"));
    }
  }

  /** The claims handed over together, to be attempted in one transaction. */
  public record ClaimBatch(List<Claim> claims) {
  }

  /** A claimed event loaded for its attempt. */
  public record Claimed(StoredEvent event, int attempts) {
  }

  /**
   * How a claimed event's attempt ended, to be written with the others of its transaction.
   *
   * @param processingMs null for an event that was not applied (ignored): it has no processing time
   */
  public record Finished(Claim claim, int attempt, OffsetDateTime startedAt, EventStatus status,
                         Integer resourceVersion, Integer processingMs) {
  }

  /** An event dead-lettered because its last allowed attempt never finished. */
  public record DeadLettered(long rowId, String source, String correlationId, int attempts) {
  }

  /** When the next event is due (null: none is) and how many wait for a retry. */
  public record Due(Long inMs, long backlog) {
  }

  private EventClaims() {
  }

  /** Takes the multi-row lock (see {@link #MULTI_ROW_LOCK}) in the caller's transaction. */
  public static Future<Void> lockForManyRows(SqlConnection connection) {
    return connection.query(MULTI_ROW_LOCK).execute().mapEmpty();
  }

  /** Claims up to {@code batchSize} due retries and expired leases; call after {@link #lockForManyRows}. */
  public static Future<List<Claim>> claimDue(SqlConnection connection, int batchSize, long leaseMs, int maxAttempts) {
    return connection.preparedQuery(CLAIM_DUE).execute(Tuple.of(batchSize, leaseMs, maxAttempts))
      .map(EventClaims::claims);
  }

  /** Dead-letters up to {@code batchSize} expired leases that used the last allowed attempt. */
  public static Future<List<DeadLettered>> deadLetterExpired(SqlConnection connection, int maxAttempts,
                                                             int batchSize, String reason) {
    return connection.preparedQuery(DEAD_LETTER_EXPIRED).execute(Tuple.of(maxAttempts, batchSize, reason))
      .map(rows -> {
        List<DeadLettered> dead = new ArrayList<>();
        rows.forEach(row -> dead.add(new DeadLettered(row.getLong("id"), row.getString("source"),
          row.getString("correlation_id"), row.getInteger("attempts"))));
        return dead;
      });
  }

  public static Future<Due> nextDue(SqlClient client) {
    return client.preparedQuery(NEXT_DUE).execute(Tuple.tuple()).map(rows -> {
      Row row = rows.iterator().next();
      return new Due(row.getLong("due_in_ms"), row.getLong("backlog"));
    });
  }

  /** Claims one failed, dead or ignored event at once; empty when none by that id is replayable. */
  public static Future<List<Claim>> claimOne(SqlClient client, String eventId, String source, long leaseMs) {
    return client.preparedQuery(CLAIM_ONE).execute(Tuple.of(eventId, source, leaseMs)).map(EventClaims::claims);
  }

  /** The statuses stored under an event id (one per source that used it). */
  public static Future<List<EventStatus>> statusesOf(SqlClient client, String eventId, String source) {
    return client.preparedQuery(STATUS_OF).execute(Tuple.of(eventId, source)).map(rows -> {
      List<EventStatus> statuses = new ArrayList<>();
      rows.forEach(row -> statuses.add(EventStatus.fromDb(row.getString("status"))));
      return statuses;
    });
  }

  /**
   * Makes the matching replayable events due now (at most {@code limit}, oldest first); call after
   * {@link #lockForManyRows}. Returns their event ids.
   */
  public static Future<List<String>> requeueMatching(SqlConnection connection, EventStatus status, String eventType,
                                                     OffsetDateTime from, OffsetDateTime to, String source,
                                                     int limit, String lastError) {
    return connection.preparedQuery(REQUEUE_MATCHING)
      .execute(Tuple.of(status.db(), eventType, from, to, source, limit).addValue(lastError))
      .map(rows -> {
        List<String> ids = new ArrayList<>();
        rows.forEach(row -> ids.add(row.getString("event_id")));
        return ids;
      });
  }

  /** How many events match a bulk replay's filters, and how many of them its limit lets it pick. */
  public static Future<long[]> countMatching(SqlClient client, EventStatus status, String eventType,
                                             OffsetDateTime from, OffsetDateTime to, String source, int limit,
                                             String lastError) {
    return client.preparedQuery(COUNT_MATCHING)
      .execute(Tuple.of(status.db(), eventType, from, to, source, limit).addValue(lastError))
      .map(rows -> {
        Row row = rows.iterator().next();
        return new long[] {row.getLong("matching"), row.getLong("picked")};
      });
  }

  /** Wakes every replica's scheduler. */
  public static Future<Void> notifyDue(SqlClient client) {
    return client.query(NOTIFY_RETRY).execute().mapEmpty();
  }

  /** The claimed events by row id, locked for their attempts; a claim whose lease moved on is left out. */
  public static Future<Map<Long, Claimed>> load(SqlClient client, List<Claim> claims) {
    int n = claims.size();
    Long[] ids = new Long[n];
    OffsetDateTime[] receivedAt = new OffsetDateTime[n];
    UUID[] leases = new UUID[n];
    for (int i = 0; i < n; i++) {
      Claim claim = claims.get(i);
      ids[i] = claim.rowId();
      receivedAt[i] = claim.receivedAt();
      leases[i] = claim.leaseToken();
    }
    Tuple params = Tuple.tuple().addArrayOfLong(ids).addArrayOfOffsetDateTime(receivedAt).addArrayOfUUID(leases);
    return client.preparedQuery(LOAD_CLAIMED).execute(params).map(rows -> {
      Map<Long, Claimed> loaded = new HashMap<>(n * 2);
      for (Row row : rows) {
        Object payload = row.getValue("payload");
        StoredEvent event = new StoredEvent(row.getString("source"), row.getString("event_id"),
          row.getString("event_type"), row.getString("external_id"), row.getOffsetDateTime("occurred_at"),
          payload instanceof JsonObject object ? object : new JsonObject(), row.getString("principal"),
          row.getString("correlation_id"));
        loaded.put(row.getLong("id"), new Claimed(event, row.getInteger("attempts")));
      }
      return loaded;
    });
  }

  /** Ends the attempts (none failed) and logs them, in two statements for them all. */
  public static Future<Void> finish(SqlClient client, List<Finished> attempts) {
    if (attempts.isEmpty()) {
      return Future.succeededFuture();
    }
    int n = attempts.size();
    Long[] ids = new Long[n];
    OffsetDateTime[] receivedAt = new OffsetDateTime[n];
    String[] statuses = new String[n];
    Integer[] versions = new Integer[n];
    Integer[] processingMs = new Integer[n];
    Integer[] numbers = new Integer[n];
    OffsetDateTime[] startedAt = new OffsetDateTime[n];
    for (int i = 0; i < n; i++) {
      Finished attempt = attempts.get(i);
      ids[i] = attempt.claim().rowId();
      receivedAt[i] = attempt.claim().receivedAt();
      statuses[i] = attempt.status().db();
      versions[i] = attempt.resourceVersion();
      processingMs[i] = attempt.processingMs();
      numbers[i] = attempt.attempt();
      startedAt[i] = attempt.startedAt();
    }
    return EventStore.finish(client, ids, receivedAt, statuses, versions, processingMs)
      .compose(done -> recordAttempts(client, ids, receivedAt, numbers, startedAt, statuses, new String[n]));
  }

  /** Ends a claimed attempt as failed (due again after {@code delayMs}) or dead; false when the lease was lost. */
  public static Future<Boolean> fail(SqlClient client, Claim claim, EventStatus status, long delayMs, String error) {
    return client.preparedQuery(FAIL_CLAIMED)
      .execute(Tuple.of(claim.rowId(), claim.leaseToken(), status.db(), delayMs, error, claim.receivedAt()))
      .map(rows -> rows.rowCount() == 1);
  }

  /** One line of the attempts log (a repeat of an attempt already logged changes nothing). */
  public static Future<Void> recordAttempt(SqlClient client, long rowId, OffsetDateTime receivedAt, int attempt,
                                           OffsetDateTime startedAt, String outcome, String error) {
    return recordAttempts(client, new Long[] {rowId}, new OffsetDateTime[] {receivedAt}, new Integer[] {attempt},
      new OffsetDateTime[] {startedAt}, new String[] {outcome}, new String[] {error});
  }

  /** Lines of the attempts log, by position. */
  private static Future<Void> recordAttempts(SqlClient client, Long[] rowIds, OffsetDateTime[] receivedAt,
                                             Integer[] attempts, OffsetDateTime[] startedAt, String[] outcomes,
                                             String[] errors) {
    return client.preparedQuery(RECORD_ATTEMPTS).execute(Tuple.tuple().addArrayOfLong(rowIds)
        .addArrayOfOffsetDateTime(receivedAt).addArrayOfInteger(attempts).addArrayOfOffsetDateTime(startedAt)
        .addArrayOfString(outcomes).addArrayOfString(errors))
      .mapEmpty();
  }

  private static List<Claim> claims(RowSet<Row> rows) {
    List<Claim> claims = new ArrayList<>(rows.size());
    rows.forEach(row -> claims.add(Claim.of(row)));
    return claims;
  }
}
