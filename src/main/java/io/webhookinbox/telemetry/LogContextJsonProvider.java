package io.webhookinbox.telemetry;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.core.JsonGenerator;
import net.logstash.logback.composite.AbstractJsonProvider;

import java.io.IOException;

/**
 * Adds {@code correlationId} and {@code eventId} from the Vert.x context of the logging thread to each JSON line,
 * for a synchronous appender. Behind {@link LogContextAsyncAppender} the encoding thread has no context: that
 * appender has already put the ids on the line.
 */
public class LogContextJsonProvider extends AbstractJsonProvider<ILoggingEvent> {
  static final String CORRELATION_ID = "correlationId";
  static final String EVENT_ID = "eventId";

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
  }
}
