package io.webhookinbox.db;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/** Classifies database failures: an unreachable database means 503, anything else is an error of its own. */
public final class DbErrors {
  private DbErrors() {
  }

  /** True when PostgreSQL could not be reached or dropped us: nothing was stored, the sender should retry. */
  public static boolean unavailable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof PgException pg) {
        String state = pg.getSqlState() == null ? "" : pg.getSqlState();
        // 08: connection exception, 53: insufficient resources, 57P0x: admin shutdown / cannot connect now.
        return state.startsWith("08") || state.startsWith("53") || state.startsWith("57P");
      }
      if (t instanceof ConnectException || t instanceof ClosedConnectionException || t instanceof TimeoutException
        || t instanceof java.nio.channels.ClosedChannelException
        || t.getClass().getName().startsWith("io.netty.channel.")
        || String.valueOf(t.getMessage()).toLowerCase().contains("timeout")) {
        return true;
      }
    }
    return false;
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
