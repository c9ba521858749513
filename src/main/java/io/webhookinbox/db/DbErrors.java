package io.webhookinbox.db;

import io.netty.channel.ChannelException;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

/** Classifies database failures: an unreachable database means 503, anything else is an error of its own. */
public final class DbErrors {
  private DbErrors() {
  }

  /**
   * True when PostgreSQL could not be reached, dropped us, or refused for a moment (deadlock, serialization, lock
   * timeout, cancelled statement): nothing was stored, the caller should retry (503).
   */
  public static boolean unavailable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof PgException pg) {
        String state = pg.getSqlState() == null ? "" : pg.getSqlState();
        // 08 connection, 53 resources, 57P0x shutdown / cannot connect now, 40 rollback (deadlock, serialization),
        // 55P03 lock not available, 57014 statement cancelled.
        return state.startsWith("08") || state.startsWith("53") || state.startsWith("57P") || state.startsWith("40")
          || state.equals("55P03") || state.equals("57014");
      }
      // IOException covers refused and reset connections, closed channels and netty's native socket errors.
      if (t instanceof IOException || t instanceof ClosedConnectionException || t instanceof TimeoutException
        || t instanceof ChannelException || poolWaitTimedOut(t)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The SQL pool fails a wait for a connection with a plain {@link VertxException} ("Timeout waiting for
   * connection" or "Timeout"): vertx-sql-client 5 has no type for it, so its message is the only signal.
   */
  private static boolean poolWaitTimedOut(Throwable t) {
    return t instanceof VertxException && String.valueOf(t.getMessage()).startsWith("Timeout");
  }

  /**
   * True when a statement gave up waiting for a lock (55P03, its lock timeout) or was chosen as a deadlock's victim
   * (40P01): the rows it wanted are busy, the database itself is fine.
   */
  public static boolean lockNotAvailable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof PgException pg) {
        return "55P03".equals(pg.getSqlState()) || "40P01".equals(pg.getSqlState());
      }
    }
    return false;
  }

  /** True when a database call outlived its client deadline ({@link BoundedPool.DeadlineExceeded}). */
  public static boolean outlivedDeadline(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof BoundedPool.DeadlineExceeded) {
        return true;
      }
    }
    return false;
  }

  /** The SQLSTATE when PostgreSQL rejected a value the caller sent (class 22, data exception), else null. */
  public static String rejectedValue(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof PgException pg && pg.getSqlState() != null && pg.getSqlState().startsWith("22")) {
        return pg.getSqlState();
      }
    }
    return null;
  }

  /** A short description for logs and {@code last_error}: SQLSTATE and message, never row contents. */
  public static String describe(Throwable failure) {
    String text;
    if (failure instanceof PgException pg) {
      text = "SQLSTATE " + pg.getSqlState() + ": " + pg.getErrorMessage();
    } else {
      text = failure.getClass().getSimpleName() + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
    }
    return text.length() > 500 ? text.substring(0, 500) : text;
  }
}
