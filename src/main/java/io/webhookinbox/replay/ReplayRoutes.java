package io.webhookinbox.replay;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.webhookinbox.api.QueryParams;
import io.webhookinbox.api.Responses;
import io.webhookinbox.audit.Action;
import io.webhookinbox.audit.AuditRoutes;
import io.webhookinbox.audit.Caller;
import io.webhookinbox.events.EventStatus;
import io.webhookinbox.security.Guard;
import io.webhookinbox.security.Scope;

import java.util.Set;
import java.util.regex.Pattern;

/** Operator replays: {@code POST /api/webhooks/retry/{eventId}} and {@code POST /api/webhooks/retry?…}. */
public final class ReplayRoutes {
  public static final String REPLAY_ONE = "/api/webhooks/retry/:eventId";
  public static final String REPLAY_MATCHING = "/api/webhooks/retry";
  public static final Pattern EVENT_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,255}");
  private static final Pattern EVENT_TYPE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  private static final Set<String> REPLAYABLE = Set.of("failed", "dead", "ignored");

  private final Replays replays;
  private final AuditRoutes audit;
  private final Set<String> sources;

  /** @param sources the source names {@code ?source=} accepts */
  public ReplayRoutes(Replays replays, AuditRoutes audit, Set<String> sources) {
    this.replays = replays;
    this.audit = audit;
    this.sources = Set.copyOf(sources);
  }

  public void mount(Router router, Guard guard) {
    guard.protect(router.post(REPLAY_ONE), Scope.ADMIN).handler(this::replayOne);
    guard.protect(router.post(REPLAY_MATCHING), Scope.ADMIN).handler(this::replayMatching);
    // A refused replay is recorded with what it named, when that passed its checks; otherwise parameter names only.
    audit.recordRefusals(router, HttpMethod.POST, REPLAY_ONE, Action.MANUAL_REPLAY, ctx -> {
      String eventId = ctx.pathParam("eventId");
      String source = ctx.queryParams().get("source");
      return new AuditRoutes.Attempt(eventId != null && EVENT_ID.matcher(eventId).matches() ? eventId : null,
        new JsonObject().put("source", source != null && sources.contains(source) ? source : null));
    });
    audit.recordRefusals(router, HttpMethod.POST, REPLAY_MATCHING, Action.BULK_REPLAY,
      ctx -> new AuditRoutes.Attempt(null, new JsonObject().put("query", AuditRoutes.queryNames(ctx))));
  }

  private void replayOne(RoutingContext ctx) {
    Replays.One request = new Replays.One(QueryParams.pathParam(ctx, "eventId", EVENT_ID),
      QueryParams.oneOf(ctx, "source", sources, null), Caller.of(ctx));
    replays.replay(request)
      .onSuccess(started -> Responses.send(ctx, 200, new JsonObject().put("success", true)
        .put("message", "Event re-queued for immediate processing").put("data", started.toJson())))
      .onFailure(ctx::fail);
  }

  private void replayMatching(RoutingContext ctx) {
    QueryParams.Window window = QueryParams.window(ctx);
    EventStatus status = EventStatus.fromDb(QueryParams.oneOf(ctx, "status", REPLAYABLE, "dead"));
    Replays.Matching request = new Replays.Matching(status, QueryParams.string(ctx, "eventType", EVENT_TYPE),
      window.from(), window.to(), QueryParams.oneOf(ctx, "source", sources, null),
      QueryParams.integer(ctx, "limit", 100, 1, 1000), Caller.of(ctx));
    replays.replay(request)
      .onSuccess(requeued -> Responses.send(ctx, 200, new JsonObject().put("success", true)
        .put("message", requeued.eventIds().size() + " " + status.db() + " event(s) re-queued")
        .put("data", requeued.toJson().put("status", "queued"))))
      .onFailure(ctx::fail);
  }
}
