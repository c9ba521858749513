package io.webhookinbox.telemetry;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.spi.context.storage.ContextLocal;

/**
 * The request-scoped fields every log line carries (correlation id, event id). They live on the Vert.x
 * duplicated context of the HTTP request or event-bus message, so every callback that request causes, on any
 * verticle, logs them without passing them around; {@link LogContextJsonProvider} writes them out.
 */
public final class LogContext {
  // Registered in a static initialiser: Vert.x requires context locals to exist before the first Vertx instance.
  private static final ContextLocal<LogContext> LOCAL = ContextLocal.registerLocal(LogContext.class);

  private final String correlationId;
  private volatile String eventId;

  private LogContext(String correlationId) {
    this.correlationId = correlationId;
  }

  /** Call before creating Vert.x so the context local is registered in time. */
  public static void init() {
    // Loading the class is enough.
  }

  /** Binds a correlation id to the current (duplicated) context; later lines on that context carry it. */
  public static void bind(String correlationId, String eventId) {
    Context context = Vertx.currentContext();
    if (context != null) {
      LogContext fields = new LogContext(correlationId);
      fields.eventId = eventId;
      context.putLocal(LOCAL, fields);
    }
  }

  /** Adds the event id once it is known (after the body was parsed). */
  public static void setEventId(String eventId) {
    LogContext fields = current();
    if (fields != null) {
      fields.eventId = eventId;
    }
  }

  public static LogContext current() {
    Context context = Vertx.currentContext();
    return context == null ? null : context.getLocal(LOCAL);
  }

  public String correlationId() {
    return correlationId;
  }

  public String eventId() {
    return eventId;
  }
}
