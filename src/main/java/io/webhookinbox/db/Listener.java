package io.webhookinbox.db;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.pubsub.PgChannel;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.webhookinbox.config.DatabaseConfig;
import org.slf4j.Logger;

import java.util.concurrent.TimeUnit;

/**
 * A LISTEN connection on one channel that stays up. PgSubscriber's reconnect policy covers a connection that was
 * lost; a first connection that failed (the database was away at start-up) leaves that subscriber unusable, so
 * each new attempt uses a new subscriber. {@code onSubscribed} runs after every (re)connection, so the owner can
 * catch up on notifications it missed. A LISTEN connection only receives, so a silent socket (half-open after a
 * failover) would go unnoticed: a heartbeat query with a deadline finds it, and a new subscriber replaces it.
 */
public final class Listener {
  static final long HEARTBEAT_MS = 5000;
  static final long HEARTBEAT_DEADLINE_MS = 2000;
  /** The server-side bounds of this connection (it runs LISTEN and the heartbeat only). */
  private static final int STATEMENT_SECONDS = 5;

  private final Vertx vertx;
  private final DatabaseConfig database;
  private final String channel;
  private final Handler<String> onNotify;
  private final Handler<Void> onSubscribed;
  private final long retryMs;
  private final Logger log;
  private PgSubscriber subscriber;
  private boolean closed;
  private long heartbeatTimer = -1;

  private Listener(Vertx vertx, DatabaseConfig database, String channel, Handler<String> onNotify,
                   Handler<Void> onSubscribed, long retryMs, Logger log) {
    this.vertx = vertx;
    this.database = database;
    this.channel = channel;
    this.onNotify = onNotify;
    this.onSubscribed = onSubscribed;
    this.retryMs = retryMs;
    this.log = log;
  }

  public static Listener start(Vertx vertx, DatabaseConfig database, String channel, Handler<String> onNotify,
                               Handler<Void> onSubscribed, long retryMs, Logger log) {
    Listener listener = new Listener(vertx, database, channel, onNotify, onSubscribed, retryMs, log);
    listener.connect();
    listener.heartbeatTimer = vertx.setPeriodic(HEARTBEAT_MS, id -> listener.heartbeat());
    return listener;
  }

  private void connect() {
    if (closed) {
      return;
    }
    PgSubscriber attempt = PgSubscriber.subscriber(vertx, Pools.connectOptions(database.direct(), STATEMENT_SECONDS)
      .addProperty("application_name", Pools.APPLICATION_NAME + "-listen"))
      .reconnectPolicy(retries -> retryMs);
    PgChannel pgChannel = attempt.channel(channel);
    pgChannel.subscribeHandler(onSubscribed).handler(onNotify);
    subscriber = attempt;
    attempt.connect().onFailure(failure -> {
      log.warn("Cannot LISTEN on {} yet ({}); retrying in {} ms", channel, DbErrors.describe(failure), retryMs);
      attempt.close();
      vertx.setTimer(retryMs, id -> connect());
    });
  }

  private void heartbeat() {
    PgSubscriber current = subscriber;
    PgConnection connection = current == null || current.closed() ? null : current.actualConnection();
    if (connection == null) {
      return;
    }
    connection.query("SELECT 1").execute().timeout(HEARTBEAT_DEADLINE_MS, TimeUnit.MILLISECONDS)
      .onFailure(failure -> {
        if (!closed) {
          log.warn("LISTEN connection on {} did not answer ({}); reconnecting", channel, DbErrors.describe(failure));
          // Closing a silent connection never completes (the client waits for the server to hang up): a new
          // subscriber takes over, and the old one is left to its socket.
          if (subscriber == current) {
            current.close();
            connect();
          }
        }
      });
  }

  public Future<Void> close() {
    closed = true;
    vertx.cancelTimer(heartbeatTimer);
    return subscriber == null ? Future.succeededFuture() : subscriber.close();
  }
}
