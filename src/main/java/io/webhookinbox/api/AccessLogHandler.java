package io.webhookinbox.api;

import io.opentelemetry.api.trace.SpanContext;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.webhookinbox.telemetry.Tracing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One JSON line per request when it ends: method, path, status, duration, bytes, and what the handlers learned
 * (event type, principal, the delivery's outcome, error code). Correlation and event ids come from the logging
 * context; the trace and span ids are the request's server span's.
 */
public final class AccessLogHandler implements Handler<RoutingContext> {
  public static final String EVENT_TYPE = "access.eventType";
  public static final String PRINCIPAL = "access.principal";
  /** What became of a delivery (processed, duplicate, stale, ...): the ingest verticle's own line is debug only. */
  public static final String OUTCOME = "access.outcome";
  public static final String ERROR_CODE = "access.errorCode";
  private static final Logger LOG = LoggerFactory.getLogger("access");

  @Override
  public void handle(RoutingContext ctx) {
    long started = System.nanoTime();
    // The request's span has ended (and left the context) by the time the line is written: its ids go on by hand.
    SpanContext span = Tracing.currentSpan().getSpanContext();
    ctx.addEndHandler(ended -> {
      LoggingEventBuilder line = LOG.atInfo()
        .setMessage("request")
        .addKeyValue("method", ctx.request().method().name())
        .addKeyValue("path", ctx.request().path())
        .addKeyValue("status", ctx.response().getStatusCode())
        .addKeyValue("durationMs", (System.nanoTime() - started) / 1_000_000.0)
        .addKeyValue("bytesIn", ctx.request().bytesRead())
        .addKeyValue("bytesOut", ctx.response().bytesWritten());
      // The event id is already on the line through the logging context.
      for (String key : new String[] {EVENT_TYPE, PRINCIPAL, OUTCOME, ERROR_CODE}) {
        Object value = ctx.get(key);
        if (value != null) {
          line = line.addKeyValue(key.substring("access.".length()), value);
        }
      }
      if (span.isValid() && !Tracing.currentSpan().getSpanContext().isValid()) {
        line = line.addKeyValue("trace_id", span.getTraceId()).addKeyValue("span_id", span.getSpanId());
      }
      line.log();
    });
    ctx.next();
  }
}
