package io.webhookinbox.telemetry;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %logContext} in the text log format: {@code " [correlationId eventId]"} of the logging thread's Vert.x
 * context, or nothing outside a request. The text twin of {@link LogContextJsonProvider}.
 */
public class LogContextConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    LogContext fields = LogContext.current();
    if (fields == null || fields.correlationId() == null) {
      return "";
    }
    return fields.eventId() == null
      ? " [" + fields.correlationId() + "]"
      : " [" + fields.correlationId() + " " + fields.eventId() + "]";
  }
}
