package io.webhookinbox.retention;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.webhookinbox.config.DatabaseConfig;
import io.webhookinbox.config.RetentionConfig;
import io.webhookinbox.db.Pools;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * One maintenance run of the partitioned inbox: partitions ahead of today, expired day-partitions detached and
 * dropped, expired dedup keys and rollup rows deleted. One replica at a time: a session advisory lock on a direct
 * connection of the run's own (so it works behind a transaction pooler too, and the lock dies with the connection).
 * Every statement is bounded on the server, the whole run on the client.
 */
public final class Retention {
  static final String LOCK = "SELECT pg_try_advisory_lock(hashtext('webhook-inbox.retention')) AS locked";
  static final String UNLOCK = "SELECT pg_advisory_unlock(hashtext('webhook-inbox.retention'))";
  static final String ADD_PARTITIONS = "SELECT webhook_inbox_add_partitions((now() AT TIME ZONE 'UTC')::date - 1,"
    + " (now() AT TIME ZONE 'UTC')::date + $1::int) AS created";
  static final String EXPIRED_PARTITIONS = "SELECT parent, child, detach_pending"
    + " FROM webhook_inbox_expired_partitions(now() - $1::int * interval '1 day')";
  /** In slices, each its own short transaction, so a large backlog never holds locks or bloats one transaction. */
  static final String DELETE_EXPIRED_KEYS = "DELETE FROM webhook_event_keys WHERE ctid = ANY (ARRAY("
    + "SELECT ctid FROM webhook_event_keys WHERE received_at < now() - $1::int * interval '1 day' LIMIT $2))";
  static final String DELETE_EXPIRED_COUNTS = "DELETE FROM webhook_event_stats"
    + " WHERE hour < now() - $1::int * interval '1 day'";
  static final String DELETE_EXPIRED_LATENCY = "DELETE FROM webhook_event_latency"
    + " WHERE hour < now() - $1::int * interval '1 day'";
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

  /** What one run did; {@code skipped} when another replica held the lock. */
  public record Report(boolean skipped, int partitionsCreated, List<String> partitionsDropped, long keysDeleted,
                       long rollupRowsDeleted, long daysAhead, long millis) {
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
        return daysAhead(connection).map(days -> new Report(true, 0, List.of(), 0, 0, days, 0));
      }
      return connection.preparedQuery(ADD_PARTITIONS).execute(Tuple.of(retention.partitionsAheadDays()))
        .compose(created -> dropExpiredPartitions(connection)
          .compose(dropped -> deleteExpiredKeys(connection, started, 0)
            .compose(keys -> deleteExpiredRollup(connection)
              .compose(rollup -> daysAhead(connection)
                .map(days -> new Report(false, created.iterator().next().getInteger("created"), dropped, keys,
                  rollup, days, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)))))))
        .eventually(() -> connection.query(UNLOCK).execute());
    });
  }

  private static Future<Long> daysAhead(PgConnection connection) {
    return connection.query(DAYS_AHEAD).execute().map(rows -> rows.iterator().next().getLong("days"));
  }

  private Future<List<String>> dropExpiredPartitions(PgConnection connection) {
    if (retention.events() == 0) {
      return Future.succeededFuture(List.of());
    }
    return connection.preparedQuery(EXPIRED_PARTITIONS).execute(Tuple.of(retention.events())).compose(rows -> {
      List<String> dropped = new ArrayList<>();
      Future<Void> chain = Future.succeededFuture();
      for (Row row : rows) {
        String parent = row.getString("parent");
        String child = row.getString("child");
        if (!PARTITION.matcher(child).matches() || !child.startsWith(parent + "_p")) {
          continue;
        }
        // CONCURRENTLY: inserts and reads of the other partitions go on; an interrupted detach is finished next time.
        String detach = "ALTER TABLE " + parent + " DETACH PARTITION " + child
          + (row.getBoolean("detach_pending") ? " FINALIZE" : " CONCURRENTLY");
        chain = chain.compose(done -> connection.query(detach).execute())
          .compose(done -> connection.query("DROP TABLE " + child).execute())
          .map(done -> {
            dropped.add(child);
            return null;
          });
      }
      return chain.map(dropped);
    });
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
