package io.webhookinbox.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.webhookinbox.config.DatabaseConfig;

import java.util.HashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/** Reactive PostgreSQL pools built the same way for every verticle. */
public final class Pools {
  private Pools() {
  }

  /** How the service's sessions show in pg_stat_activity. */
  public static final String APPLICATION_NAME = "webhook-inbox";
  /** Added to the processing timeout for the server-side bounds: the client's deadline acts first. */
  public static final int SERVER_MARGIN_MS = 1000;
  /** The group commit statement is about 3,500 characters; the default limit (2,048) would re-parse it each time. */
  static final int CACHED_SQL_MAX_LENGTH = 8192;
  private static final String PLANNED_PER_USE = "/* planned per use */ ";

  /**
   * Marks a statement on a partitioned table that names its partition key: it is not kept prepared but planned at
   * each use with its arguments, so PostgreSQL plans and locks the one partition they name. Kept prepared, its
   * sixth use on each connection would also build a generic plan over every partition of the retention period, to
   * compare costs (measured: 56 ms with 105 partitions, over 100 ms under load), stalling a group commit.
   */
  public static String plannedPerUse(String sql) {
    return PLANNED_PER_USE + sql;
  }

  /**
   * Every connection carries server-side bounds derived from the processing timeout {@code timeoutSeconds}: no
   * statement, lock wait or idle transaction outlives it by more than a second even when the client is gone, and
   * TCP keepalives from the server find a vanished client in seconds, not the OS default of two hours.
   */
  public static PgConnectOptions connectOptions(DatabaseConfig config, int timeoutSeconds) {
    String bound = (timeoutSeconds * 1000 + SERVER_MARGIN_MS) + "ms";
    PgConnectOptions options = new PgConnectOptions()
      .setProperties(new HashMap<>(PgConnectOptions.DEFAULT_PROPERTIES))
      .addProperty("application_name", APPLICATION_NAME)
      .setHost(config.host())
      .setPort(config.port())
      .setDatabase(config.name())
      .setUser(config.user())
      .setPassword(config.password())
      .setCachePreparedStatements(true)
      .setPreparedStatementCacheSqlFilter(sql -> sql.length() <= CACHED_SQL_MAX_LENGTH && !sql.startsWith(PLANNED_PER_USE))
      .setPipeliningLimit(256)
      .setReconnectAttempts(0);
    if (config.transactionPooler()) {
      // Each transaction may run on another server connection: no named statements kept across transactions,
      // no session settings (a pooler rejects or drops them: bound the server side in its own settings).
      return options.setCachePreparedStatements(false);
    }
    options.addProperty("statement_timeout", bound)
      .addProperty("lock_timeout", bound)
      .addProperty("idle_in_transaction_session_timeout", bound)
      .addProperty("tcp_keepalives_idle", "5")
      .addProperty("tcp_keepalives_interval", "2")
      .addProperty("tcp_keepalives_count", "3");
    return options;
  }

  /** A pool whose client-side deadline is the processing timeout. */
  public static BoundedPool create(Vertx vertx, DatabaseConfig config, int maxSize, String name,
                                   IntSupplier timeoutSeconds) {
    return create(vertx, config, maxSize, name, timeoutSeconds, () -> timeoutSeconds.getAsInt() * 1000L);
  }

  /**
   * A pool owned by the calling verticle (closed with it), bounded wait so an outage fails fast with 503.
   * Connections are renewed every few minutes, so a changed processing timeout reaches the server-side bounds.
   *
   * @param name the {@code pool_name} label of its metrics (in use, waiting)
   * @param deadlineMs each use's client-side deadline
   */
  public static BoundedPool create(Vertx vertx, DatabaseConfig config, int maxSize, String name,
                                   IntSupplier timeoutSeconds, LongSupplier deadlineMs) {
    return create(vertx, config, maxSize, name, timeoutSeconds, deadlineMs, 0);
  }

  /**
   * A pool whose statements all find their rows by a key (ingestion). Its connections run with sequential scans
   * off: plans are cached per connection, and a plan made while a table was nearly empty would otherwise go on
   * scanning it whole, one scan per delivery, after it has grown (measured: a 15x slower group commit). Its
   * group commits wait at most {@code batchLockWaitMs} for a lock (see {@link BoundedPool.LockWaits#SHORT}).
   */
  public static BoundedPool createForKeyLookups(Vertx vertx, DatabaseConfig config, int maxSize, String name,
                                                IntSupplier timeoutSeconds, int batchLockWaitMs) {
    return create(vertx, config, maxSize, name, timeoutSeconds, () -> timeoutSeconds.getAsInt() * 1000L,
      batchLockWaitMs);
  }

  /** @param shortLockWaitMs 0, or (a key-lookup pool) the session's lock wait for its group commits */
  private static BoundedPool create(Vertx vertx, DatabaseConfig config, int maxSize, String name,
                                    IntSupplier timeoutSeconds, LongSupplier deadlineMs, int shortLockWaitMs) {
    boolean keyLookupsOnly = shortLockWaitMs > 0;
    PoolOptions options = new PoolOptions()
      .setName(name)
      .setMaxSize(maxSize)
      .setMaxWaitQueueSize(10_000)
      .setConnectionTimeout(config.connectTimeoutMs())
      .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
      .setIdleTimeout(60)
      .setIdleTimeoutUnit(TimeUnit.SECONDS)
      .setMaxLifetime(5)
      .setMaxLifetimeUnit(TimeUnit.MINUTES);
    Supplier<Pool> pool = () -> PgBuilder.pool()
      .with(options)
      .with(new NetClientOptions().setConnectTimeout(config.connectTimeoutMs()).setTcpKeepAlive(true))
      .connectingTo(() -> {
        PgConnectOptions connect = connectOptions(config, timeoutSeconds.getAsInt());
        // Behind a transaction pooler no session setting holds; the group commit's LATERAL probes still do.
        boolean sessionSetting = keyLookupsOnly && !config.transactionPooler();
        return Future.succeededFuture(sessionSetting ? connect.addProperty("enable_seqscan", "off")
          .addProperty("lock_timeout", shortLockWaitMs + "ms") : connect);
      })
      .using(vertx)
      .build();
    return new BoundedPool(vertx, pool, deadlineMs, config.transactionPooler(), shortLockWaitMs);
  }
}
