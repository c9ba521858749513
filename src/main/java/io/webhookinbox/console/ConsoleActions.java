package io.webhookinbox.console;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.webhookinbox.admin.Events;
import io.webhookinbox.admin.Resources;
import io.webhookinbox.api.ApiError;
import io.webhookinbox.api.ErrorCode;
import io.webhookinbox.api.QueryParams;
import io.webhookinbox.api.Responses;
import io.webhookinbox.approvals.Approvals;
import io.webhookinbox.audit.Action;
import io.webhookinbox.audit.AuditRoutes;
import io.webhookinbox.audit.Caller;
import io.webhookinbox.config.ConsoleConfig;
import io.webhookinbox.events.EventStatus;
import io.webhookinbox.overrides.ConfigurationDocument;
import io.webhookinbox.replay.Replays;
import io.webhookinbox.security.Guard;
import io.webhookinbox.security.Scope;
import io.webhookinbox.source.Source;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The console's changes, through the operator API's services and scopes ({@code webhooks:admin}; reveals
 * {@code webhooks:pii}), each recorded in the audit trail by the signed-in operator, refusals too. With four-eyes on,
 * a bulk replay of more than the threshold and every erasure become requests that a second operator approves.
 */
final class ConsoleActions {
  private static final Set<String> REPLAYABLE = Set.of("failed", "dead", "ignored");
  private static final Pattern LAST_ERROR = Pattern.compile("[^\\p{Cntrl}]{1,2000}");

  private final Console.Services services;
  private final ConsoleConfig config;

  ConsoleActions(Console.Services services, ConsoleConfig config) {
    this.services = services;
    this.config = config;
  }

  void mount(Router router, Guard guard, Handler<RoutingContext> operator, AuditRoutes audit) {
    guard.protect(router.post("/api/events/:source/:eventId/reveal"), operator, Scope.PII).handler(this::revealEvent);
    guard.protect(router.post("/api/events/:source/:eventId/replay"), operator, Scope.ADMIN).handler(this::replay);
    guard.protect(router.post("/api/replays/dry-run"), operator, Scope.ADMIN).handler(this::dryRun);
    guard.protect(router.post("/api/replays"), operator, Scope.ADMIN).handler(this::bulkReplay);
    guard.protect(router.post("/api/replays/progress"), operator, Scope.READ, Scope.ADMIN).handler(this::progress);
    guard.protect(router.post("/api/resources/:source/:id/reveal"), operator, Scope.PII).handler(this::revealResource);
    guard.protect(router.post("/api/resources/:source/:id/erase"), operator, Scope.ADMIN).handler(this::erase);
    guard.protect(router.post("/api/approvals/:id/approve"), operator, Scope.ADMIN).handler(this::approve);
    guard.protect(router.post("/api/approvals/:id/reject"), operator, Scope.ADMIN).handler(this::reject);
    guard.protect(router.post("/api/configuration/check"), operator, Scope.ADMIN).handler(this::check);
    guard.protect(router.put("/api/configuration"), operator, Scope.ADMIN).handler(this::saveConfiguration);

    audit.recordRefusals(router, HttpMethod.POST, "/api/events/:source/:eventId/replay", Action.MANUAL_REPLAY,
      ctx -> new AuditRoutes.Attempt(valid(ctx.pathParam("eventId")), new JsonObject().put("via", "console")));
    audit.recordRefusals(router, HttpMethod.POST, "/api/replays", Action.BULK_REPLAY,
      ctx -> new AuditRoutes.Attempt(null, new JsonObject().put("via", "console")));
    audit.recordRefusals(router, HttpMethod.POST, "/api/resources/:source/:id/erase", Action.PERSONAL_DATA_ERASURE,
      ctx -> new AuditRoutes.Attempt(valid(ctx.pathParam("id")), new JsonObject().put("via", "console")));
    audit.recordRefusals(router, HttpMethod.PUT, "/api/configuration", Action.CONFIGURATION_UPDATE,
      ctx -> new AuditRoutes.Attempt(null, new JsonObject().put("via", "console")));
    for (String decision : List.of("approve", "reject")) {
      audit.recordRefusals(router, HttpMethod.POST, "/api/approvals/:id/" + decision, decision.equals("approve")
          ? Action.APPROVAL_APPROVE : Action.APPROVAL_REJECT,
        ctx -> new AuditRoutes.Attempt(valid(ctx.pathParam("id")), new JsonObject().put("via", "console")));
    }
  }

  private static String valid(String id) {
    return id != null && ConsoleApi.ID.matcher(id).matches() ? id : null;
  }

  private void revealEvent(RoutingContext ctx) {
    Source source = ConsoleApi.source(services, ctx);
    services.admin().events().reveal(new Events.Lookup(QueryParams.pathParam(ctx, "eventId", ConsoleApi.ID),
        source.name(), Events.PayloadView.FULL), Caller.of(ctx))
      .onSuccess(detail -> Responses.ok(ctx, new JsonObject().put("payload", detail.payload())
        .put("metadata", detail.metadata())))
      .onFailure(ctx::fail);
  }

  private void replay(RoutingContext ctx) {
    Source source = ConsoleApi.source(services, ctx);
    services.replays().replay(new Replays.One(QueryParams.pathParam(ctx, "eventId", ConsoleApi.ID), source.name(),
        Caller.of(ctx)))
      .onSuccess(started -> Responses.ok(ctx, new JsonObject().put("eventId", started.eventId())
        .put("retryAttempt", started.retryAttempt()).put("status", "processing")))
      .onFailure(ctx::fail);
  }

  /** The bulk replay a body describes: the same filters as the API's, plus an exact last error. */
  private Replays.Matching matching(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx);
    String status = Bodies.oneOf(body, "status", REPLAYABLE);
    return new Replays.Matching(EventStatus.fromDb(status == null ? "dead" : status),
      Bodies.string(body, "eventType", ConsoleApi.EVENT_TYPE), Bodies.time(body, "from"), Bodies.time(body, "to"),
      Bodies.oneOf(body, "source", services.sources().stream().map(Source::name).toList()),
      Bodies.integer(body, "limit", 100, 1, 1000), Bodies.string(body, "lastError", LAST_ERROR), Caller.of(ctx));
  }

  private void dryRun(RoutingContext ctx) {
    services.replays().dryRun(matching(ctx)).onSuccess(dry -> Responses.ok(ctx, new JsonObject()
        .put("matching", dry.matching()).put("picked", dry.picked()).put("needsApproval", needsApproval(dry.picked()))))
      .onFailure(ctx::fail);
  }

  private boolean needsApproval(long events) {
    return config.fourEyes() && events > config.bulkReplayThreshold();
  }

  private void bulkReplay(RoutingContext ctx) {
    Replays.Matching request = matching(ctx);
    services.replays().dryRun(request).compose(dry -> needsApproval(dry.picked())
        ? services.approvals().request(Action.BULK_REPLAY, null, request.parameters().put("expected", dry.picked()),
          Caller.of(ctx), operator(ctx).subject()).map(pending -> new JsonObject().put("approval", pending.toJson()))
        : services.replays().replay(request).map(requeued -> new JsonObject().put("requeued",
          requeued.eventIds().size()).put("eventIds", new JsonArray(requeued.eventIds()))))
      .onSuccess(answer -> Responses.send(ctx, answer.containsKey("approval") ? 202 : 200,
        new JsonObject().put("success", true).put("data", answer)))
      .onFailure(ctx::fail);
  }

  private void progress(RoutingContext ctx) {
    JsonArray ids = Bodies.object(ctx).getJsonArray("eventIds", new JsonArray());
    if (ids.size() > 1000 || ids.stream().anyMatch(id -> !(id instanceof String text)
      || !ConsoleApi.ID.matcher(text).matches())) {
      throw ApiError.field(ErrorCode.BAD_REQUEST, "/eventIds", "must be at most 1000 event ids");
    }
    services.overview().statuses(ids.stream().map(String::valueOf).toList())
      .onSuccess(counts -> Responses.ok(ctx, counts)).onFailure(ctx::fail);
  }

  private void revealResource(RoutingContext ctx) {
    Source source = withResource(ctx);
    services.admin().resources().reveal(new Resources.Read(source, QueryParams.pathParam(ctx, "id", ConsoleApi.ID),
        true), Caller.of(ctx))
      .onSuccess(resource -> Responses.ok(ctx, resource)).onFailure(ctx::fail);
  }

  /** Typed confirmation: the body's {@code confirm} must repeat the id. */
  private void erase(RoutingContext ctx) {
    Source source = withResource(ctx);
    if (source.personalData() == null) {
      throw new ApiError(ErrorCode.NOT_FOUND, "This source keeps no personal data to erase");
    }
    String id = QueryParams.pathParam(ctx, "id", ConsoleApi.ID);
    if (!id.equals(Bodies.object(ctx).getValue("confirm"))) {
      throw ApiError.field(ErrorCode.BAD_REQUEST, "/confirm", "must repeat the id exactly");
    }
    Future<JsonObject> done = config.fourEyes()
      ? services.approvals().request(Action.PERSONAL_DATA_ERASURE, id, new JsonObject().put("source", source.name()),
        Caller.of(ctx), operator(ctx).subject()).map(pending -> new JsonObject().put("approval", pending.toJson()))
      : services.admin().resources().erase(new Resources.Erase(source, id, Caller.of(ctx)))
        .map(erased -> new JsonObject().put("erased", erased));
    done.onSuccess(answer -> Responses.send(ctx, answer.containsKey("approval") ? 202 : 200,
      new JsonObject().put("success", true).put("data", answer))).onFailure(ctx::fail);
  }

  private void approve(RoutingContext ctx) {
    services.approvals().approve(approvalId(ctx), Caller.of(ctx), operator(ctx).subject(), this::runner)
      .onSuccess(request -> Responses.ok(ctx, request.toJson())).onFailure(ctx::fail);
  }

  /** What an approved request runs, as the approver. */
  private java.util.function.Function<Caller, Future<JsonObject>> runner(Approvals.Request request) {
    if (request.action().equals(Action.BULK_REPLAY.value())) {
      return approver -> services.replays().replay(Replays.Matching.of(request.parameters(), approver))
        .map(requeued -> new JsonObject().put("requeued", requeued.eventIds().size())
          .put("eventIds", new JsonArray(requeued.eventIds())));
    }
    if (request.action().equals(Action.PERSONAL_DATA_ERASURE.value())) {
      Source source = services.sources().stream()
        .filter(each -> each.name().equals(request.parameters().getString("source"))).findFirst()
        .orElseThrow(() -> new ApiError(ErrorCode.NOT_FOUND, "No such source"));
      return approver -> services.admin().resources().erase(new Resources.Erase(source, request.target(), approver));
    }
    throw new ApiError(ErrorCode.INVALID_STATE, "Unknown action " + request.action());
  }

  private void reject(RoutingContext ctx) {
    services.approvals().reject(approvalId(ctx), Caller.of(ctx), operator(ctx).subject())
      .onSuccess(request -> Responses.ok(ctx, request.toJson().put("status", "rejected"))).onFailure(ctx::fail);
  }

  private static long approvalId(RoutingContext ctx) {
    return Long.parseLong(QueryParams.pathParam(ctx, "id", Pattern.compile("[0-9]{1,18}")));
  }

  private void check(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx);
    ConfigurationDocument.checked(body, services.settings());
    Responses.ok(ctx, new JsonObject().put("changes", ConfigurationDocument.changes(body, services.settings())));
  }

  private void saveConfiguration(RoutingContext ctx) {
    JsonObject overrides = ConfigurationDocument.checked(Bodies.object(ctx), services.settings());
    services.overrides().save(overrides, Action.CONFIGURATION_UPDATE, Caller.of(ctx))
      .onSuccess(saved -> Responses.ok(ctx, ConfigurationDocument.view(services.settings())
        .put("lastChange", saved.toJson())))
      .onFailure(ctx::fail);
  }

  private Source withResource(RoutingContext ctx) {
    Source source = ConsoleApi.source(services, ctx);
    if (source.resource() == null) {
      throw new ApiError(ErrorCode.NOT_FOUND, "This source keeps no resource");
    }
    return source;
  }

  private static Operator operator(RoutingContext ctx) {
    return ctx.get(ConsoleApi.OPERATOR);
  }
}
