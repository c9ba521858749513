package io.webhookinbox.db;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.impl.SocketConnectionBase;
import io.vertx.sqlclient.internal.Connection;
import io.vertx.sqlclient.internal.SqlConnectionInternal;

import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * A pool whose every use has a client-side deadline: waiting for a connection, running the statements and the
 * commit. When the deadline passes, the statement is cancelled on the server and the connection is closed, not
 * returned to the pool: a connection whose socket went silent (half-open after a failover) is never reused, and a
 * transaction waiting on a lock does not stay open after its caller was answered. The server-side bounds set by
 * {@link Pools} are the backstop when the cancel cannot reach the server.
 */
public final class BoundedPool {
  private final Vertx vertx;
  private final Pool pool;
  private final LongSupplier deadlineMs;
  private final boolean transactionPooler;

  /**
   * @param deadlineMs        read per use, so a changed processing timeout applies to the next transaction
   * @param transactionPooler connections go through a transaction pooler (PgBouncer 1.18 in transaction mode):
   *                          every use runs in a transaction, since an uncached prepared statement's parse and
   *                          execution are separate round trips that may otherwise reach different servers
   */
  public BoundedPool(Vertx vertx, Pool pool, LongSupplier deadlineMs, boolean transactionPooler) {
    this.vertx = vertx;
    this.pool = pool;
    this.deadlineMs = deadlineMs;
    this.transactionPooler = transactionPooler;
  }

  /** Commits when {@code work} succeeds, rolls back when it fails; fails with {@link DeadlineExceeded} when late. */
  public <T> Future<T> withTransaction(Function<SqlConnection, Future<T>> work) {
    return bounded(connection -> connection.begin().compose(transaction -> work.apply(connection)
      .transform(done -> done.succeeded() ? transaction.commit().map(done.result()) : rollback(transaction, done.cause()))));
  }

  public <T> Future<T> withConnection(Function<SqlConnection, Future<T>> work) {
    return transactionPooler ? withTransaction(work) : bounded(work);
  }

  public Future<RowSet<Row>> query(String sql) {
    return bounded(connection -> connection.query(sql).execute());
  }

  public Future<RowSet<Row>> preparedQuery(String sql, Tuple arguments) {
    return withConnection(connection -> connection.preparedQuery(sql).execute(arguments));
  }

  public Future<Void> close() {
    return pool.close();
  }

  private static <T> Future<T> rollback(Transaction transaction, Throwable cause) {
    return transaction.rollback().transform(ignored -> Future.failedFuture(cause));
  }

  private <T> Future<T> bounded(Function<SqlConnection, Future<T>> work) {
    long budgetMs = deadlineMs.getAsLong();
    Promise<T> result = Promise.promise();
    SqlConnection[] held = new SqlConnection[1];
    long timer = vertx.setTimer(budgetMs, id -> {
      if (result.tryFail(new DeadlineExceeded(budgetMs)) && held[0] != null) {
        abandon(held[0]);
      }
    });
    pool.getConnection().onComplete(acquired -> {
      if (acquired.failed()) {
        vertx.cancelTimer(timer);
        result.tryFail(acquired.cause());
        return;
      }
      SqlConnection connection = acquired.result();
      if (result.future().isComplete()) {
        // Late: the caller was answered already; the connection itself is fine.
        connection.close();
        return;
      }
      held[0] = connection;
      Future<T> done;
      try {
        done = work.apply(connection);
      } catch (RuntimeException e) {
        done = Future.failedFuture(e);
      }
      done.onComplete(outcome -> {
        vertx.cancelTimer(timer);
        if (outcome.succeeded() ? result.tryComplete(outcome.result()) : result.tryFail(outcome.cause())) {
          connection.close();
        }
      });
    });
    return result.future();
  }

  /**
   * Cancels what the connection runs (on a new socket, so it works when this one is silent) and closes its socket,
   * which also removes it from its pool.
   */
  public static void abandon(SqlConnection connection) {
    if (connection instanceof PgConnection pg) {
      pg.cancelRequest().otherwiseEmpty();
    }
    if (connection instanceof SqlConnectionInternal internal) {
      Connection inner = internal.unwrap();
      while (!(inner instanceof SocketConnectionBase) && inner.unwrap() != inner) {
        inner = inner.unwrap();
      }
      if (inner instanceof SocketConnectionBase socket) {
        socket.socket().close();
        return;
      }
    }
    connection.close();
  }

  /** A database call outlived its deadline: a processing timeout for the caller (503, 5111: see BusReplies). */
  public static final class DeadlineExceeded extends TimeoutException {
    DeadlineExceeded(long budgetMs) {
      super("database call exceeded its " + budgetMs + " ms deadline; connection closed");
    }
  }
}
