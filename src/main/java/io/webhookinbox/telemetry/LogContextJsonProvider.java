package io.webhookinbox.telemetry;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.opentelemetry.api.trace.SpanContext;
import com.fasterxml.jackson.core.JsonGenerator;
import net.logstash.logback.composite.AbstractJsonProvider;

import java.io.IOException;

/**
 * Adds {@code correlationId}, {@code eventId} (and {@code trace_id}, {@code span_id} in a traced request) from the Vert.x context of the logging thread to each JSON line,
 * for a synchronous appender. Behind {@link LogContextAsyncAppender} the encoding thread has no context: that
 * appender has already put the ids on the line.
 */
public class LogContextJsonProvider extends AbstractJsonProvider<ILoggingEvent> {
  static final String CORRELATION_ID = "correlationId";
  static final String EVENT_ID = "eventId";
  static final String TRACE_ID = "trace_id";
  static final String SPAN_ID = "span_id";

  @Override
  public void writeTo(JsonGenerator generator, ILoggingEvent event) throws IOException {
    LogContext fields = LogContext.current();
    if (fields == null) {
      return;
    }
    if (fields.correlationId() != null) {
      generator.writeStringField(CORRELATION_ID, fields.correlationId());
    }
    if (fields.eventId() != null) {
      generator.writeStringField(EVENT_ID, fields.eventId());
    }
    SpanContext span = Tracing.currentSpan().getSpanContext();
    if (span.isValid()) {
      generator.writeStringField(TRACE_ID, span.getTraceId());
      generator.writeStringField(SPAN_ID, span.getSpanId());
    }
  }
}
