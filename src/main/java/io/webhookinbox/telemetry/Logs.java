package io.webhookinbox.telemetry;

import ch.qos.logback.classic.LoggerContext;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/** The end of logging for a process: lines still queued in the asynchronous appender are written out. */
public final class Logs {
  private Logs() {
  }

  /** Call last, before the process exits; later lines are not written. */
  public static void flush() {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (factory instanceof LoggerContext context) {
      context.stop();
    }
  }
}
