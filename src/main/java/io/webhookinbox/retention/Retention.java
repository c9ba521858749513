package io.webhookinbox.retention;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.webhookinbox.config.DatabaseConfig;
import io.webhookinbox.config.RetentionConfig;
import io.webhookinbox.db.Pools;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * One maintenance run of the partitioned inbox: partitions ahead of today, expired days emptied of their finished
 * events (unfinished ones stay, however old: {@code webhook_inbox_keep_unfinished}) and dropped when nothing is
 * left in them, expired dedup keys and rollup rows deleted. One replica at a time: a session advisory lock on a direct
 * connection of the run's own (so it works behind a transaction pooler too, and the lock dies with the connection).
 * Every statement is bounded on the server, the whole run on the client.
 */
public final class Retention {
  static final String LOCK = "SELECT pg_try_advisory_lock(hashtext('webhook-inbox.retention')) AS locked";
  static final String UNLOCK = "SELECT pg_advisory_unlock(hashtext('webhook-inbox.retention'))";
  static final String ADD_PARTITIONS = "SELECT webhook_inbox_add_partitions((now() AT TIME ZONE 'UTC')::date - 1,"
    + " (now() AT TIME ZONE 'UTC')::date + $1::int) AS created";
  /** Expired partitions without an unfinished event: those are dropped. */
  static final String EXPIRED_PARTITIONS = "SELECT parent, child, detach_pending"
    + " FROM webhook_inbox_expired_partitions(now() - $1::int * interval '1 day')";
  static final String EXPIRED_DAYS = "SELECT day FROM webhook_inbox_expired_days(now() - $1::int * interval '1 day') day";
  /**
   * In slices, each its own short transaction, so a large backlog never holds locks or bloats one transaction. The
   * key of an event still stored (kept because it is unfinished) stays with it: without its key a redelivery would
   * store the event a second time. The probe prunes to the key's own day, which is gone for all but kept days.
   */
  static final String DELETE_EXPIRED_KEYS = "DELETE FROM webhook_event_keys WHERE ctid = ANY (ARRAY("
    + "SELECT k.ctid FROM webhook_event_keys k WHERE k.received_at < now() - $1::int * interval '1 day'"
    + " AND NOT EXISTS (SELECT 1 FROM webhook_events e WHERE e.received_at = k.received_at"
    + " AND e.event_id = k.event_id AND e.source = k.source) LIMIT $2))";
  static final String DELETE_EXPIRED_COUNTS = "DELETE FROM webhook_event_stats"
    + " WHERE hour < now() - $1::int * interval '1 day'";
  static final String DELETE_EXPIRED_LATENCY = "DELETE FROM webhook_event_latency"
    + " WHERE hour < now() - $1::int * interval '1 day'";
  /** Empties an expired day of its finished events, keeping its unfinished ones. */
  static final String KEEP_UNFINISHED = "SELECT webhook_inbox_keep_unfinished($1::date) AS kept";
  /** It waits for the day's partitions only; past this the day is left for the next run. */
  static final String KEEP_LOCK_TIMEOUT = "SET LOCAL lock_timeout = '5s'";
  /** Unfinished events older than the retention period: kept on purpose, and reported (an alert watches them). */
  static final String UNFINISHED_EXPIRED = "SELECT count(*) AS events FROM webhook_events"
    + " WHERE received_at < now() - $1::int * interval '1 day' AND webhook_inbox_unfinished(status)";
  /** Whole days after today that have a partition (negative: not even today's); every replica reads it. */
  static final String DAYS_AHEAD = "SELECT coalesce(max(to_date(right(c.relname, 8), 'YYYYMMDD'))"
    + " - (now() AT TIME ZONE 'UTC')::date, -1) AS days FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
    + " WHERE i.inhparent = 'webhook_events'::regclass AND c.relname ~ '_p[0-9]{8}$'";
  static final int KEYS_PER_SLICE = 10_000;
  /** Waits on locks (a detach waits for the transactions that still see the partition) end here. */
  static final int STATEMENT_SECONDS = 60;
  /** A run stops deleting keys after this long; the next run goes on. */
  static final long RUN_BUDGET_MS = 120_000;
  private static final Pattern PARTITION = Pattern.compile("webhook_event(s|_attempts)_p[0-9]{8}");

  private final Vertx vertx;
  private final DatabaseConfig database;
  private final RetentionConfig retention;
  private final BooleanSupplier stopped;

  public Retention(Vertx vertx, DatabaseConfig database, RetentionConfig retention, BooleanSupplier stopped) {
    this.vertx = vertx;
    this.database = database;
    this.retention = retention;
    this.stopped = stopped;
  }

  /**
   * What one run did; {@code skipped} when another replica held the lock. {@code unfinishedExpired}: events older
   * than the retention period that are kept because they are not finished (-1 when events are kept forever).
   */
  public record Report(boolean skipped, int partitionsCreated, List<String> partitionsDropped, long keysDeleted,
                       long rollupRowsDeleted, long daysAhead, long unfinishedExpired, long millis) {
  }

  /** A silent database cannot hold a run: the run has a deadline, and its connection is closed after it. */
  public Future<Report> run() {
    return connect().compose(connection -> run(connection)
      .timeout(RUN_BUDGET_MS + 2L * STATEMENT_SECONDS * 1000, TimeUnit.MILLISECONDS)
      .eventually(() -> connection.close()));
  }

  private Future<PgConnection> connect() {
    return PgConnection.connect(vertx, Pools.connectOptions(database.direct(), STATEMENT_SECONDS));
  }

  private Future<Report> run(PgConnection connection) {
    long started = System.nanoTime();
    return connection.query(LOCK).execute().compose(rows -> {
      if (!rows.iterator().next().getBoolean("locked")) {
        return daysAhead(connection).compose(days -> unfinishedExpired(connection)
          .map(unfinished -> new Report(true, 0, List.of(), 0, 0, days, unfinished, 0)));
      }
      return connection.preparedQuery(ADD_PARTITIONS).execute(Tuple.of(retention.partitionsAheadDays()))
        .compose(created -> dropExpiredPartitions(connection)
          .compose(dropped -> deleteExpiredKeys(connection, started, 0)
            .compose(keys -> deleteExpiredRollup(connection)
              .compose(rollup -> daysAhead(connection)
                .compose(days -> unfinishedExpired(connection)
                  .map(unfinished -> new Report(false, created.iterator().next().getInteger("created"), dropped,
                    keys, rollup, days, unfinished, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))))))))
        .eventually(() -> connection.query(UNLOCK).execute());
    });
  }

  private static Future<Long> daysAhead(PgConnection connection) {
    return connection.query(DAYS_AHEAD).execute().map(rows -> rows.iterator().next().getLong("days"));
  }

  private Future<Long> unfinishedExpired(PgConnection connection) {
    if (retention.events() == 0) {
      return Future.succeededFuture(-1L);
    }
    return connection.preparedQuery(UNFINISHED_EXPIRED).execute(Tuple.of(retention.events()))
      .map(rows -> rows.iterator().next().getLong("events"));
  }

  /**
   * Each expired day is first emptied of its finished events (its unfinished ones stay); then every expired day
   * left without an unfinished event is detached and dropped, both its partitions.
   */
  private Future<List<String>> dropExpiredPartitions(PgConnection connection) {
    if (retention.events() == 0) {
      return Future.succeededFuture(List.of());
    }
    Tuple days = Tuple.of(retention.events());
    return connection.preparedQuery(EXPIRED_DAYS).execute(days)
      .compose(expired -> {
        Future<Void> kept = Future.succeededFuture();
        for (Row row : expired) {
          LocalDate day = row.getLocalDate("day");
          kept = kept.compose(done -> keepUnfinished(connection, day));
        }
        return kept;
      })
      .compose(kept -> connection.preparedQuery(EXPIRED_PARTITIONS).execute(days))
      .compose(rows -> {
        List<String> dropped = new ArrayList<>();
        Future<Void> chain = Future.succeededFuture();
        for (Row row : rows) {
          String parent = row.getString("parent");
          String child = row.getString("child");
          if (!PARTITION.matcher(child).matches() || !child.startsWith(parent + "_p")) {
            continue;
          }
          chain = chain.compose(done -> drop(connection, parent, child, row.getBoolean("detach_pending")))
            .map(done -> {
              dropped.add(child);
              return null;
            });
        }
        return chain.map(dropped);
      });
  }

  private static Future<Void> keepUnfinished(PgConnection connection, LocalDate day) {
    return connection.begin().compose(transaction -> connection.query(KEEP_LOCK_TIMEOUT).execute()
      .compose(set -> connection.preparedQuery(KEEP_UNFINISHED).execute(Tuple.of(day)))
      .compose(kept -> transaction.commit())
      .recover(failure -> transaction.rollback().transform(ignored -> Future.failedFuture(failure))));
  }

  /** CONCURRENTLY: inserts and reads of the other partitions go on; an interrupted detach is finished next time. */
  private static Future<Void> drop(PgConnection connection, String parent, String child, boolean detachPending) {
    String detach = "ALTER TABLE " + parent + " DETACH PARTITION " + child + (detachPending ? " FINALIZE" : " CONCURRENTLY");
    return connection.query(detach).execute().compose(done -> connection.query("DROP TABLE " + child).execute())
      .mapEmpty();
  }

  private Future<Long> deleteExpiredKeys(PgConnection connection, long started, long deleted) {
    if (retention.dedupKeys() == 0 || stopped.getAsBoolean()
      || TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) > RUN_BUDGET_MS) {
      return Future.succeededFuture(deleted);
    }
    return connection.preparedQuery(DELETE_EXPIRED_KEYS).execute(Tuple.of(retention.dedupKeys(), KEYS_PER_SLICE))
      .compose(rows -> rows.rowCount() < KEYS_PER_SLICE
        ? Future.succeededFuture(deleted + rows.rowCount())
        : deleteExpiredKeys(connection, started, deleted + rows.rowCount()));
  }

  private Future<Long> deleteExpiredRollup(PgConnection connection) {
    if (retention.statistics() == 0) {
      return Future.succeededFuture(0L);
    }
    Tuple days = Tuple.of(retention.statistics());
    return connection.preparedQuery(DELETE_EXPIRED_COUNTS).execute(days)
      .compose(counts -> connection.preparedQuery(DELETE_EXPIRED_LATENCY).execute(days)
        .map(latency -> (long) counts.rowCount() + latency.rowCount()));
  }
}
