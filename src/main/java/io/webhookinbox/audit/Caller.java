package io.webhookinbox.audit;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.webhookinbox.api.CorrelationIdHandler;
import io.webhookinbox.security.BearerAuth;

/**
 * Who asked for an operator action, carried from the HTTP verticle to the verticle that makes the change (as the
 * {@code caller} field of its event-bus request), so the change and its audit row are written together.
 */
public record Caller(String actor, String correlationId) {
  public static final String FIELD = "caller";

  /** The token subject and correlation id of an authenticated request. */
  public static Caller of(RoutingContext ctx) {
    return new Caller(BearerAuth.principal(ctx).subject(), CorrelationIdHandler.get(ctx));
  }

  /** {@code request} with this caller added, for an event-bus request. */
  public JsonObject attachTo(JsonObject request) {
    return request.put(FIELD, new JsonObject().put("actor", actor).put("correlationId", correlationId));
  }

  /** The caller of an event-bus request built with {@link #attachTo}. */
  public static Caller from(JsonObject request) {
    JsonObject caller = request.getJsonObject(FIELD);
    return new Caller(caller.getString("actor"), caller.getString("correlationId"));
  }
}
