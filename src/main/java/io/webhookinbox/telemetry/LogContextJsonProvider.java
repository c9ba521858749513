package io.webhookinbox.telemetry;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.core.JsonGenerator;
import net.logstash.logback.composite.AbstractJsonProvider;

import java.io.IOException;

/**
 * Adds {@code correlationId} and {@code eventId} from the Vert.x context of the logging thread to each JSON line.
 * It reads the context while encoding, so it needs a synchronous appender (the console appender is).
 */
public class LogContextJsonProvider extends AbstractJsonProvider<ILoggingEvent> {
  @Override
  public void writeTo(JsonGenerator generator, ILoggingEvent event) throws IOException {
    LogContext fields = LogContext.current();
    if (fields == null) {
      return;
    }
    if (fields.correlationId() != null) {
      generator.writeStringField("correlationId", fields.correlationId());
    }
    if (fields.eventId() != null) {
      generator.writeStringField("eventId", fields.eventId());
    }
  }
}
