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

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A pool whose every use has a client-side deadline: waiting for a connection, running the statements and the
 * commit. When the deadline passes, the caller is answered and the statement is cancelled on the server (a live
 * connection then rolls back and goes back to the pool), so a transaction waiting on a lock does not stay open
 * after its caller was answered.
 *
 * <p>A connection that does not answer the cancel either has gone silent (half-open after a failover, a proxy that stops
 * forwarding): closing it does not help, because the PostgreSQL client closes by sending Terminate and waiting for
 * the server to hang up, which a silent server never does, so the connection would keep its slot in the pool
 * forever. Instead the whole pool is retired: new uses go to a fresh pool at once, and the retired one is closed
 * when its last use ends. A silent connection then costs one abandoned socket, never the replica's ability to
 * store. The server-side bounds set by {@link Pools} are the backstop when the cancel cannot reach the server.
 */
public final class BoundedPool {
  private final Vertx vertx;
  private final Supplier<Pool> newPool;
  private final LongSupplier deadlineMs;
  private final boolean transactionPooler;
  private final int shortLockWaitMs;
  private final AtomicReference<Generation> current;
  private final AtomicLong lastSuccessNanos = new AtomicLong(System.nanoTime());
  private final AtomicLong lastUnavailableNanos = new AtomicLong();
  private final AtomicInteger retired = new AtomicInteger();
  /** How long a connection whose deadline passed may take to answer the cancel before it counts as silent. */
  static final long SILENT_AFTER_CANCEL_MS = 2000;

  /**
   * @param newPool           makes the underlying pool, at first and whenever a silent connection retires one
   * @param deadlineMs        read per use, so a changed processing timeout applies to the next transaction
   * @param transactionPooler connections go through a transaction pooler (PgBouncer 1.18 in transaction mode):
   *                          every use runs in a transaction, since an uncached prepared statement's parse and
   *                          execution are separate round trips that may otherwise reach different servers
   * @param shortLockWaitMs   0 for a pool whose statements wait for locks as long as their deadline allows; else
   *                          the lock wait of its uses with {@link LockWaits#SHORT}
   */
  public BoundedPool(Vertx vertx, Supplier<Pool> newPool, LongSupplier deadlineMs, boolean transactionPooler,
                     int shortLockWaitMs) {
    this.vertx = vertx;
    this.newPool = newPool;
    this.deadlineMs = deadlineMs;
    this.transactionPooler = transactionPooler;
    this.shortLockWaitMs = shortLockWaitMs;
    this.current = new AtomicReference<>(new Generation(newPool.get()));
  }

  /** How long a use waits for a row lock: as long as its deadline allows, or the pool's short wait. */
  public enum LockWaits { DEADLINE, SHORT }

  /** Commits when {@code work} succeeds, rolls back when it fails; fails with {@link DeadlineExceeded} when late. */
  public <T> Future<T> withTransaction(Function<SqlConnection, Future<T>> work) {
    return withTransaction(LockWaits.DEADLINE, work);
  }

  /**
   * With {@link LockWaits#SHORT} (a pool made with a short lock wait only), a lock wait past it fails the work
   * (SQLSTATE 55P03, {@link DbErrors#lockNotAvailable}) instead of holding it, and its connection, to its deadline.
   */
  public <T> Future<T> withTransaction(LockWaits waits, Function<SqlConnection, Future<T>> work) {
    return withTransaction(waits, deadlineMs.getAsLong(), work);
  }

  /** As {@link #withTransaction(LockWaits, Function)}, with a deadline of its own (at most the pool's). */
  public <T> Future<T> withTransaction(LockWaits waits, long deadlineMs, Function<SqlConnection, Future<T>> work) {
    return transaction(work, lockTimeoutMs(waits), budgetMs(deadlineMs));
  }

  public <T> Future<T> withConnection(Function<SqlConnection, Future<T>> work) {
    return withConnection(LockWaits.DEADLINE, work);
  }

  /** One use of a connection, without a transaction (a statement commits on its own) but behind a pooler. */
  public <T> Future<T> withConnection(LockWaits waits, Function<SqlConnection, Future<T>> work) {
    return withConnection(waits, deadlineMs.getAsLong(), work);
  }

  /** As {@link #withConnection(LockWaits, Function)}, with a deadline of its own (at most the pool's). */
  public <T> Future<T> withConnection(LockWaits waits, long deadlineMs, Function<SqlConnection, Future<T>> work) {
    long lockTimeoutMs = lockTimeoutMs(waits);
    return transactionPooler ? transaction(work, lockTimeoutMs, budgetMs(deadlineMs))
      : bounded(work, budgetMs(deadlineMs));
  }

  /** A caller's own deadline, never past the pool's (its server-side bounds are set from that) nor already over. */
  private long budgetMs(long callersDeadlineMs) {
    return Math.max(1, Math.min(callersDeadlineMs, deadlineMs.getAsLong()));
  }

  /**
   * The lock timeout a transaction sets for itself, 0 for none: the connections of a short-wait pool hold the short
   * wait as their session setting (except behind a pooler, where no session setting holds).
   */
  private long lockTimeoutMs(LockWaits waits) {
    if (waits == LockWaits.SHORT) {
      if (shortLockWaitMs <= 0) {
        throw new IllegalStateException("not a pool with short lock waits");
      }
      return transactionPooler ? shortLockWaitMs : 0;
    }
    return shortLockWaitMs > 0 ? deadlineMs.getAsLong() + Pools.SERVER_MARGIN_MS : 0;
  }

  /**
   * Work that ends after its deadline rolls back even when it succeeded (the cancel reached the server between two
   * statements): its caller has been answered that nothing was stored.
   *
   * @param lockTimeoutMs 0: the session's own lock timeout; else this one, for this transaction only
   */
  private <T> Future<T> transaction(Function<SqlConnection, Future<T>> work, long lockTimeoutMs, long budgetMs) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(budgetMs);
    return bounded(connection -> connection.begin().compose(transaction -> lockTimeout(connection, lockTimeoutMs)
      .compose(set -> work.apply(connection))
      .transform(done -> done.failed() ? rollback(transaction, done.cause())
        : System.nanoTime() - deadline >= 0 ? rollback(transaction, new DeadlineExceeded(budgetMs))
        : transaction.commit().map(done.result()))),
      budgetMs);
  }

  private static Future<?> lockTimeout(SqlConnection connection, long lockTimeoutMs) {
    return lockTimeoutMs <= 0 ? Future.succeededFuture()
      : connection.query("SET LOCAL lock_timeout = '" + lockTimeoutMs + "ms'").execute();
  }

  public Future<RowSet<Row>> query(String sql) {
    return bounded(connection -> connection.query(sql).execute(), deadlineMs.getAsLong());
  }

  public Future<RowSet<Row>> preparedQuery(String sql, Tuple arguments) {
    return withConnection(connection -> connection.preparedQuery(sql).execute(arguments));
  }

  /**
   * Whether the last use that ended found the database reachable in time (or no use failed since the last one
   * that did): what readiness reports for the work this pool serves.
   */
  public boolean reachable() {
    return lastUnavailableNanos.get() == 0 || lastSuccessNanos.get() - lastUnavailableNanos.get() > 0;
  }

  /** Nanoseconds since a use last succeeded. */
  public long nanosSinceSuccess() {
    return System.nanoTime() - lastSuccessNanos.get();
  }

  /** How many times a silent connection made this pool start afresh. */
  public int retiredPools() {
    return retired.get();
  }

  public Future<Void> close() {
    return current.get().pool.close();
  }

  private static <T> Future<T> rollback(Transaction transaction, Throwable cause) {
    return transaction.rollback().transform(ignored -> Future.failedFuture(cause));
  }

  private <T> Future<T> bounded(Function<SqlConnection, Future<T>> work, long budgetMs) {
    Generation generation = current.get();
    generation.uses.incrementAndGet();
    Promise<T> result = Promise.promise();
    SqlConnection[] held = new SqlConnection[1];
    Future<?>[] running = new Future<?>[1];
    long timer = vertx.setTimer(budgetMs, id -> {
      if (result.tryFail(new DeadlineExceeded(budgetMs)) && held[0] != null) {
        cancel(held[0]);
        // A live connection answers the cancel at once (the statement fails, the transaction rolls back); one that
        // stays silent retires its pool.
        vertx.setTimer(SILENT_AFTER_CANCEL_MS, grace -> {
          if (running[0] == null || !running[0].isComplete()) {
            retire(generation);
          }
        });
      }
    });
    generation.pool.getConnection().onComplete(acquired -> {
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
      running[0] = done;
      done.onComplete(outcome -> {
        vertx.cancelTimer(timer);
        if (outcome.succeeded()) {
          result.tryComplete(outcome.result());
        } else {
          result.tryFail(outcome.cause());
        }
        connection.close();
      });
    });
    return result.future().andThen(outcome -> {
      record(outcome.succeeded() ? null : outcome.cause());
      if (generation.uses.decrementAndGet() == 0 && generation.retired) {
        generation.pool.close();
      }
    });
  }

  private void record(Throwable failure) {
    if (failure == null || !DbErrors.unavailable(failure)) {
      // A refusal of PostgreSQL's own (a constraint, a bad value) still proves it answers.
      lastSuccessNanos.set(System.nanoTime());
    } else {
      lastUnavailableNanos.set(System.nanoTime());
    }
  }

  /** New uses go to a fresh pool; the retired one closes once its last use ends (see the class comment). */
  private void retire(Generation generation) {
    if (current.compareAndSet(generation, new Generation(newPool.get()))) {
      generation.retired = true;
      retired.incrementAndGet();
    }
  }

  /** Asks the server to cancel what the connection runs, on a new socket, so it works when this one is silent. */
  private static void cancel(SqlConnection connection) {
    if (connection instanceof PgConnection pg) {
      pg.cancelRequest().otherwiseEmpty();
    }
  }

  private static final class Generation {
    private final Pool pool;
    private final AtomicInteger uses = new AtomicInteger();
    private volatile boolean retired;

    Generation(Pool pool) {
      this.pool = pool;
    }
  }

  /** A database call outlived its deadline: a processing timeout for the caller (503, 5111: see DbFailures). */
  public static final class DeadlineExceeded extends TimeoutException {
    DeadlineExceeded(long budgetMs) {
      super("database call exceeded its " + budgetMs + " ms deadline; cancelled");
    }
  }
}
