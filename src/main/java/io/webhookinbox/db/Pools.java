package io.webhookinbox.db;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.webhookinbox.config.DatabaseConfig;

import java.util.concurrent.TimeUnit;

/** Reactive PostgreSQL pools built the same way for every verticle. */
public final class Pools {
  private Pools() {
  }

  public static PgConnectOptions connectOptions(DatabaseConfig config) {
    return new PgConnectOptions()
      .setHost(config.host())
      .setPort(config.port())
      .setDatabase(config.name())
      .setUser(config.user())
      .setPassword(config.password())
      .setCachePreparedStatements(true)
      // The group commit statement is about 3,500 characters; the default limit (2,048) would re-parse it each time.
      .setPreparedStatementCacheSqlLimit(8192)
      .setPipeliningLimit(256)
      .setReconnectAttempts(0);
  }

  /**
   * A pool owned by the calling verticle (closed with it), bounded wait so an outage fails fast with 503.
   *
   * @param name the {@code pool_name} label of its metrics (in use, waiting)
   */
  public static Pool create(Vertx vertx, DatabaseConfig config, int maxSize, String name) {
    return create(vertx, config, maxSize, name, connectOptions(config));
  }

  /**
   * A pool whose statements all find their rows by a key (ingestion). Its connections run with sequential scans
   * off: plans are cached per connection, and a plan made while a table was nearly empty would otherwise go on
   * scanning it whole, one scan per delivery, after it has grown (measured: a 15x slower group commit).
   */
  public static Pool createForKeyLookups(Vertx vertx, DatabaseConfig config, int maxSize, String name) {
    return create(vertx, config, maxSize, name, connectOptions(config).addProperty("enable_seqscan", "off"));
  }

  private static Pool create(Vertx vertx, DatabaseConfig config, int maxSize, String name,
                             PgConnectOptions connectOptions) {
    PoolOptions options = new PoolOptions()
      .setName(name)
      .setMaxSize(maxSize)
      .setMaxWaitQueueSize(10_000)
      .setConnectionTimeout(config.connectTimeoutMs())
      .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
      .setIdleTimeout(60)
      .setIdleTimeoutUnit(TimeUnit.SECONDS);
    return PgBuilder.pool()
      .with(options)
      .with(new NetClientOptions().setConnectTimeout(config.connectTimeoutMs()).setTcpKeepAlive(true))
      .connectingTo(connectOptions)
      .using(vertx)
      .build();
  }
}
