package io.webhookinbox.db;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.pgclient.pubsub.PgChannel;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.webhookinbox.config.DatabaseConfig;
import org.slf4j.Logger;

/**
 * A LISTEN connection on one channel that stays up. PgSubscriber's reconnect policy covers a connection that was
 * lost; a first connection that failed (the database was away at start-up) leaves that subscriber unusable, so
 * each new attempt uses a new subscriber. {@code onSubscribed} runs after every (re)connection, so the owner can
 * catch up on notifications it missed.
 */
public final class Listener {
  private final Vertx vertx;
  private final DatabaseConfig database;
  private final String channel;
  private final Handler<String> onNotify;
  private final Handler<Void> onSubscribed;
  private final long retryMs;
  private final Logger log;
  private PgSubscriber subscriber;
  private boolean closed;

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
    return listener;
  }

  private void connect() {
    if (closed) {
      return;
    }
    PgSubscriber attempt = PgSubscriber.subscriber(vertx, Pools.connectOptions(database))
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

  public Future<Void> close() {
    closed = true;
    return subscriber == null ? Future.succeededFuture() : subscriber.close();
  }
}
