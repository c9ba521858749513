package io.webhookinbox.overrides;

import io.webhookinbox.config.RuntimeSettings;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.webhookinbox.audit.Action;
import io.webhookinbox.audit.AuditRoutes;
import io.webhookinbox.audit.Caller;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.webhookinbox.api.JsonBodies;
import io.webhookinbox.security.Guard;
import io.webhookinbox.security.ReceiveBudget;
import io.webhookinbox.api.Responses;
import io.webhookinbox.security.Scope;

/**
 * {@code GET/PUT /api/webhooks/configuration} and {@code DELETE /api/webhooks/configuration/overrides}. PUT sets
 * the operator overrides (the fields given; others fall back to the file, then the defaults) for every replica.
 */
public final class ConfigurationRoutes {
  public static final String CONFIGURATION = "/api/webhooks/configuration";
  public static final String OVERRIDES = "/api/webhooks/configuration/overrides";
  private static final int BODY_LIMIT = 64 * 1024;

  private final Overrides overrides;
  private final RuntimeSettings settings;
  private final AuditRoutes audit;

  public ConfigurationRoutes(Overrides overrides, RuntimeSettings settings, AuditRoutes audit) {
    this.overrides = overrides;
    this.settings = settings;
    this.audit = audit;
  }

  public void mount(Router router, Guard guard, ReceiveBudget receiving) {
    guard.protect(router.get(CONFIGURATION), Scope.READ, Scope.ADMIN)
      .handler(ctx -> Responses.ok(ctx, ConfigurationDocument.view(settings)));
    guard.beforeBody(router.put(CONFIGURATION), Scope.ADMIN).handler(JsonBodies.requireJson())
      .handler(receiving.reserve(false));
    router.put(CONFIGURATION).handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT)).handler(guard.capacity())
      .handler(this::put);
    guard.protect(router.delete(OVERRIDES), Scope.ADMIN)
      .handler(ctx -> save(ctx, Action.OVERRIDES_REMOVAL, new JsonObject(),
        "Webhook configuration overrides removed; the file's values apply"));
    audit.recordRefusals(router, HttpMethod.PUT, CONFIGURATION, Action.CONFIGURATION_UPDATE,
      ctx -> new AuditRoutes.Attempt(null, new JsonObject().put("fields", bodyFields(ctx))));
    audit.recordRefusals(router, HttpMethod.DELETE, OVERRIDES, Action.OVERRIDES_REMOVAL,
      ctx -> new AuditRoutes.Attempt(null, new JsonObject()));
  }

  /** The field names of a refused body, never its values (the body failed its checks: it may hold anything). */
  private static JsonArray bodyFields(RoutingContext ctx) {
    JsonArray names = new JsonArray();
    try {
      ctx.body().asJsonObject().fieldNames().stream().filter(name -> name.matches("[A-Za-z0-9_.-]{1,64}")).sorted()
        .limit(32).forEach(names::add);
    } catch (RuntimeException unreadable) {
      // Not JSON, or no body was read (refused before): no names.
    }
    return names;
  }

  private void put(RoutingContext ctx) {
    JsonObject overrides = ConfigurationDocument.checked(JsonBodies.parseObject(ctx.body().buffer()), settings);
    save(ctx, Action.CONFIGURATION_UPDATE, overrides, "Webhook configuration updated successfully");
  }

  private void save(RoutingContext ctx, Action action, JsonObject changes, String message) {
    overrides.save(changes, action, Caller.of(ctx))
      .onSuccess(saved -> Responses.send(ctx, 200, new JsonObject().put("success", true).put("message", message)
        .put("data", ConfigurationDocument.view(settings).put("lastChange", saved.toJson()))))
      .onFailure(ctx::fail);
  }
}
