package io.webhookinbox.api;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.webhookinbox.telemetry.LogContext;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Gives every request a correlation id: the caller's {@code X-Correlation-ID} when it is sane, else a new UUID.
 * It is echoed on the response, bound to the logging context, and sent on with the event.
 */
public final class CorrelationIdHandler implements Handler<RoutingContext> {
  public static final String HEADER = "X-Correlation-ID";
  private static final String KEY = "correlationId";
  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  @Override
  public void handle(RoutingContext ctx) {
    String offered = ctx.request().getHeader(HEADER);
    String correlationId = offered != null && SANE.matcher(offered).matches() ? offered : UUID.randomUUID().toString();
    ctx.put(KEY, correlationId);
    LogContext.bind(correlationId, null);
    ctx.response().putHeader(HEADER, correlationId);
    ctx.next();
  }

  public static String get(RoutingContext ctx) {
    return ctx.get(KEY);
  }
}
