package io.webhookinbox.api;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The success envelope {@code {"success":true,"data":…}} that every 2xx body uses. */
public final class Responses {
  private static final String JSON = "application/json";

  private Responses() {
  }

  public static Future<Void> ok(RoutingContext ctx, Object data) {
    return send(ctx, 200, new JsonObject().put("success", true).put("data", data));
  }

  public static Future<Void> send(RoutingContext ctx, int status, JsonObject body) {
    return ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(body.toBuffer());
  }
}
