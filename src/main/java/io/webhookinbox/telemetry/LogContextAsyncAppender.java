package io.webhookinbox.telemetry;

import io.opentelemetry.api.trace.SpanContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import net.logstash.logback.appender.LoggingEventAsyncDisruptorAppender;
import org.slf4j.event.KeyValuePair;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The service's appender: lines are encoded and written by a background thread, so an event loop never waits on
 * the console or its lock. The correlation and event ids (and the trace and span ids inside a traced request) are
 * taken on the logging thread, where the Vert.x
 * context is, and travel with the line. When the ring buffer is full a line is dropped instead of blocking an
 * event loop; drops are counted ({@code webhook_log_lines_dropped_total}) and reported by the appender.
 */
public final class LogContextAsyncAppender extends LoggingEventAsyncDisruptorAppender {
  private static final AtomicLong DROPPED = new AtomicLong();
  /** How long the logging thread gathers lines before it writes them, once it has caught up. */
  static final Duration NAP = Duration.ofMillis(10);

  public LogContextAsyncAppender() {
    setWaitStrategy(new NappingWaitStrategy(NAP));
  }

  /** Lines dropped (or not written for another reason) since start. */
  public static long dropped() {
    return DROPPED.get();
  }

  @Override
  protected void prepareForDeferredProcessing(ILoggingEvent event) {
    LogContext fields = LogContext.current();
    if (fields != null && event instanceof LoggingEvent line) {
      if (fields.correlationId() != null) {
        line.addKeyValuePair(new KeyValuePair(LogContextJsonProvider.CORRELATION_ID, fields.correlationId()));
      }
      if (fields.eventId() != null) {
        line.addKeyValuePair(new KeyValuePair(LogContextJsonProvider.EVENT_ID, fields.eventId()));
      }
      SpanContext span = Tracing.currentSpan().getSpanContext();
      if (span.isValid()) {
        line.addKeyValuePair(new KeyValuePair(LogContextJsonProvider.TRACE_ID, span.getTraceId()));
        line.addKeyValuePair(new KeyValuePair(LogContextJsonProvider.SPAN_ID, span.getSpanId()));
      }
    }
    super.prepareForDeferredProcessing(event);
  }

  @Override
  protected void fireEventAppendFailed(ILoggingEvent event, Throwable reason) {
    DROPPED.incrementAndGet();
    super.fireEventAppendFailed(event, reason);
  }
}
