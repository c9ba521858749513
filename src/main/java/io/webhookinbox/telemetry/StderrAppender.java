package io.webhookinbox.telemetry;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;

/**
 * Writes lines to standard error through a buffer, for use behind {@link LogContextAsyncAppender} only: that
 * appender flushes it each time it has written every line queued (logstash-logback-encoder flushes an
 * OutputStreamAppender whose immediateFlush is off at the end of each batch). Under load many lines leave in one
 * write; an idle service's line leaves at once. Logback's console appender writes through System.err, which flushes
 * after every line: one system call, and one wake-up of whatever reads the stream, per line.
 */
public final class StderrAppender extends OutputStreamAppender<ILoggingEvent> {
  private static final int BUFFER_BYTES = 64 * 1024;

  @Override
  public void start() {
    setImmediateFlush(false);
    setOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.err), BUFFER_BYTES) {
      @Override
      public void close() throws IOException {
        // Standard error stays open for what the JVM itself reports after logging has stopped.
        flush();
      }
    });
    super.start();
  }
}
