package io.webhookinbox.telemetry;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import org.slf4j.event.KeyValuePair;

/**
 * {@code %logContext} in the text log format: {@code " [correlationId eventId]"} of the request or event that
 * logged the line, or nothing outside one. Behind {@link LogContextAsyncAppender} the ids travel on the line as
 * key-value pairs; a synchronous appender reads the logging thread's Vert.x context. The text twin of
 * {@link LogContextJsonProvider}.
 */
public class LogContextConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    String correlationId = null;
    String eventId = null;
    LogContext fields = LogContext.current();
    if (fields != null) {
      correlationId = fields.correlationId();
      eventId = fields.eventId();
    } else if (event.getKeyValuePairs() != null) {
      for (KeyValuePair pair : event.getKeyValuePairs()) {
        if (LogContextJsonProvider.CORRELATION_ID.equals(pair.key)) {
          correlationId = String.valueOf(pair.value);
        } else if (LogContextJsonProvider.EVENT_ID.equals(pair.key)) {
          eventId = String.valueOf(pair.value);
        }
      }
    }
    if (correlationId == null) {
      return "";
    }
    return eventId == null ? " [" + correlationId + "]" : " [" + correlationId + " " + eventId + "]";
  }
}
