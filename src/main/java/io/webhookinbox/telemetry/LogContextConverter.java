package io.webhookinbox.telemetry;

import io.opentelemetry.api.trace.SpanContext;
import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import org.slf4j.event.KeyValuePair;

/**
 * {@code %logContext} in the text log format: {@code " [correlationId eventId trace <traceId>]"} of the request or event that
 * logged the line, or nothing outside one. Behind {@link LogContextAsyncAppender} the ids travel on the line as
 * key-value pairs; a synchronous appender reads the logging thread's Vert.x context. The text twin of
 * {@link LogContextJsonProvider}.
 */
public class LogContextConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    String correlationId = null;
    String eventId = null;
    String traceId = null;
    LogContext fields = LogContext.current();
    if (fields != null) {
      correlationId = fields.correlationId();
      eventId = fields.eventId();
      SpanContext span = Tracing.currentSpan().getSpanContext();
      traceId = span.isValid() ? span.getTraceId() : null;
    } else if (event.getKeyValuePairs() != null) {
      for (KeyValuePair pair : event.getKeyValuePairs()) {
        if (LogContextJsonProvider.CORRELATION_ID.equals(pair.key)) {
          correlationId = String.valueOf(pair.value);
        } else if (LogContextJsonProvider.EVENT_ID.equals(pair.key)) {
          eventId = String.valueOf(pair.value);
        } else if (LogContextJsonProvider.TRACE_ID.equals(pair.key)) {
          traceId = String.valueOf(pair.value);
        }
      }
    }
    if (correlationId == null) {
      return "";
    }
    return " [" + correlationId + (eventId == null ? "" : " " + eventId) + (traceId == null ? "" : " trace " + traceId)
      + "]";
  }
}
