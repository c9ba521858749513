package io.webhookinbox.audit;

import io.vertx.ext.web.RoutingContext;
import io.webhookinbox.api.CorrelationIdHandler;
import io.webhookinbox.security.BearerAuth;

/** Who asked for an operator action: recorded with the change, in its transaction. */
public record Caller(String actor, String correlationId) {
  /** The token subject and correlation id of an authenticated request. */
  public static Caller of(RoutingContext ctx) {
    return new Caller(BearerAuth.principal(ctx).subject(), CorrelationIdHandler.get(ctx));
  }
}
