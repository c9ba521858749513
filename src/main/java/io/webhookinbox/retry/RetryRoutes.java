package io.webhookinbox.retry;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.webhookinbox.audit.Action;
import io.webhookinbox.audit.AuditRoutes;
import io.webhookinbox.audit.Caller;
import io.vertx.ext.web.Router;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.webhookinbox.api.BusRequests;
import io.webhookinbox.security.RateLimiter;
import io.webhookinbox.api.QueryParams;
import io.webhookinbox.api.Responses;
import io.webhookinbox.security.BearerAuth;
import io.webhookinbox.security.Scope;

import java.util.Set;
import java.util.regex.Pattern;

/** Operator replays: {@code POST /api/webhooks/retry/{eventId}} and {@code POST /api/webhooks/retry?…}. */
public final class RetryRoutes {
  public static final String RETRY_ONE = "/api/webhooks/retry/:eventId";
  public static final String RETRY_MATCHING = "/api/webhooks/retry";
  public static final Pattern EVENT_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,255}");
  private static final Pattern EVENT_TYPE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  private static final Set<String> REPLAYABLE = Set.of("failed", "dead", "ignored");
  private static final Set<String> SOURCES = Set.of("cisive", "stripe");
  private final BusRequests bus;
  private final AuditRoutes audit;

  public RetryRoutes(BusRequests bus, AuditRoutes audit) {
    this.bus = bus;
    this.audit = audit;
  }

  public void mount(Router router, BearerAuth auth, RateLimiter rateLimiter, Handler<RoutingContext> capacity) {
    router.post(RETRY_ONE).handler(auth.require(Scope.ADMIN)).handler(rateLimiter.handler()).handler(capacity).handler(this::retryOne);
    router.post(RETRY_MATCHING).handler(auth.require(Scope.ADMIN)).handler(rateLimiter.handler()).handler(capacity)
      .handler(this::retryMatching);
    // A refused replay is recorded with what it named, when that passed its checks; otherwise parameter names only.
    audit.recordRefusals(router, HttpMethod.POST, RETRY_ONE, Action.MANUAL_REPLAY, ctx -> {
      String eventId = ctx.pathParam("eventId");
      String source = ctx.queryParams().get("source");
      return new AuditRoutes.Attempt(eventId != null && EVENT_ID.matcher(eventId).matches() ? eventId : null,
        new JsonObject().put("source", source != null && SOURCES.contains(source) ? source : null));
    });
    audit.recordRefusals(router, HttpMethod.POST, RETRY_MATCHING, Action.BULK_REPLAY,
      ctx -> new AuditRoutes.Attempt(null, new JsonObject().put("query", AuditRoutes.queryNames(ctx))));
  }

  private void retryOne(RoutingContext ctx) {
    JsonObject request = new JsonObject()
      .put("eventId", QueryParams.pathParam(ctx, "eventId", EVENT_ID))
      .put("source", QueryParams.oneOf(ctx, "source", SOURCES, null));
    bus.call(Requeue.MANUAL_ADDRESS, Caller.of(ctx).attachTo(request))
      .onSuccess(data -> Responses.send(ctx, 200, new JsonObject().put("success", true)
        .put("message", "Event re-queued for immediate processing").put("data", data)))
      .onFailure(ctx::fail);
  }

  private void retryMatching(RoutingContext ctx) {
    JsonObject request = QueryParams.window(ctx);
    String status = QueryParams.oneOf(ctx, "status", REPLAYABLE, "dead");
    request
      .put("status", status)
      .put("eventType", QueryParams.string(ctx, "eventType", EVENT_TYPE))
      .put("source", QueryParams.oneOf(ctx, "source", SOURCES, null))
      .put("limit", QueryParams.integer(ctx, "limit", 100, 1, 1000));
    bus.call(Requeue.BULK_ADDRESS, Caller.of(ctx).attachTo(request))
      .onSuccess(data -> Responses.send(ctx, 200, new JsonObject().put("success", true)
        .put("message", data.getInteger("requeued") + " " + status + " event(s) re-queued")
        .put("data", data.put("status", "queued"))))
      .onFailure(ctx::fail);
  }
}
