package io.webhookinbox.console;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.webhookinbox.admin.Events;
import io.webhookinbox.admin.PayloadSearch;
import io.webhookinbox.admin.Resources;
import io.webhookinbox.admin.Statistics;
import io.webhookinbox.api.ApiError;
import io.webhookinbox.api.ErrorCode;
import io.webhookinbox.api.KeysetCursor;
import io.webhookinbox.api.QueryParams;
import io.webhookinbox.api.Responses;
import io.webhookinbox.api.Rfc3339;
import io.webhookinbox.audit.AuditService;
import io.webhookinbox.config.ConsoleConfig;
import io.webhookinbox.overrides.ConfigurationDocument;
import io.webhookinbox.security.Guard;
import io.webhookinbox.security.Scope;
import io.webhookinbox.source.Source;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The console's reads: the same services and scopes as the operator API's ({@code webhooks:read} or
 * {@code webhooks:admin}; the audit trail and approvals {@code webhooks:admin}). Payloads are shown masked; only
 * {@link ConsoleActions}' audited reveal shows them as stored. Listings are POSTed, so that a payload search, which
 * may name personal data, never lands in a URL.
 */
final class ConsoleApi {
  static final String OPERATOR = "console.operatorRecord";
  static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:-]{1,255}");
  static final Pattern EVENT_TYPE = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
  static final Set<String> STATUSES = Set.of("processing", "processed", "stale", "ignored", "failed", "dead");
  private static final int OVERVIEW_MINUTES = 60;

  private final Console.Services services;
  private final ConsoleConfig config;

  ConsoleApi(Console.Services services, ConsoleConfig config) {
    this.services = services;
    this.config = config;
  }

  void mount(Router router, Guard guard, Handler<RoutingContext> operator) {
    guard.protect(router.get("/api/me"), operator, Scope.READ, Scope.ADMIN, Scope.PII).handler(this::me);
    guard.protect(router.get("/api/overview"), operator, Scope.READ, Scope.ADMIN).handler(this::overview);
    guard.protect(router.post("/api/events/search"), operator, Scope.READ, Scope.ADMIN).handler(this::search);
    guard.protect(router.get("/api/events/:source/:eventId"), operator, Scope.READ, Scope.ADMIN).handler(this::event);
    guard.protect(router.get("/api/dead-letters"), operator, Scope.READ, Scope.ADMIN).handler(this::deadLetters);
    guard.protect(router.get("/api/resources/:source/:id"), operator, Scope.READ, Scope.ADMIN).handler(this::resource);
    guard.protect(router.get("/api/configuration"), operator, Scope.READ, Scope.ADMIN)
      .handler(ctx -> Responses.ok(ctx, ConfigurationDocument.view(services.settings())));
    guard.protect(router.get("/api/audit"), operator, Scope.ADMIN).handler(this::audit);
    guard.protect(router.get("/api/approvals"), operator, Scope.ADMIN).handler(ctx -> services.approvals().list()
      .onSuccess(requests -> Responses.ok(ctx, new JsonObject().put("requests",
        io.webhookinbox.approvals.Approvals.toJson(requests)))).onFailure(ctx::fail));
  }

  private void me(RoutingContext ctx) {
    Operator operator = ctx.get(OPERATOR);
    JsonArray sources = new JsonArray();
    for (Source source : services.sources()) {
      JsonObject json = new JsonObject().put("name", source.name()).put("idField", source.idField())
        .put("eventTypes", new JsonArray(source.eventTypes().stream().map(Source.EventType::name).toList()))
        .put("erasable", source.personalData() != null);
      if (source.resource() != null) {
        json.put("resource", source.resource().idParam());
      }
      sources.add(json);
    }
    Responses.ok(ctx, new JsonObject().put("name", operator.name())
      .put("scopes", new JsonArray(operator.scopes().stream().sorted().toList()))
      .put("csrfToken", Console.csrfToken(ctx.session()))
      .put("fourEyes", new JsonObject().put("enabled", config.fourEyes())
        .put("bulkReplayThreshold", config.bulkReplayThreshold()))
      .put("sources", sources));
  }

  private void overview(RoutingContext ctx) {
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    OffsetDateTime since = now.truncatedTo(ChronoUnit.MINUTES).minusMinutes(OVERVIEW_MINUTES - 1);
    Future<Statistics.Report> statistics = services.admin().statistics()
      .compute(new Statistics.Query(now.minusMinutes(OVERVIEW_MINUTES), now, null));
    Future<io.webhookinbox.admin.Overview.Activity> activity = services.overview().activity(since);
    Future.all(statistics, activity).onSuccess(done -> {
      Statistics.Report report = statistics.result();
      JsonObject stats = report.toJson();
      JsonObject refusals = new JsonObject();
      services.refusals().get().forEach(refusals::put);
      Responses.ok(ctx, new JsonObject()
        .put("windowMinutes", OVERVIEW_MINUTES)
        .put("totalEvents", stats.getLong("totalEvents"))
        .put("successRate", stats.getValue("successRate"))
        .put("p50ProcessingTimeMs", report.p50Ms())
        .put("p99ProcessingTimeMs", report.p99Ms())
        .put("activity", activity.result().toJson())
        .put("refusalsThisReplica", refusals));
    }).onFailure(ctx::fail);
  }

  private void search(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx);
    String source = Bodies.oneOf(body, "source", services.sources().stream().map(Source::name).toList());
    String payload = Bodies.string(body, "payload", null);
    PayloadSearch.Filter filter = payload == null || payload.isBlank() ? null : PayloadSearch.parse("payload",
      payload, ((Operator) ctx.get(OPERATOR)).has(Scope.PII), services.sources(), source);
    String cursor = Bodies.string(body, "cursor", Pattern.compile("[A-Za-z0-9_=-]{1,200}"));
    Events.Search search = new Events.Search(Bodies.oneOf(body, "status", STATUSES), source,
      Bodies.string(body, "eventType", EVENT_TYPE), Bodies.string(body, "resourceId", ID),
      Bodies.time(body, "from"), Bodies.time(body, "to"), filter, cursor == null ? null : decode(cursor),
      Bodies.integer(body, "limit", 50, 1, 200));
    services.admin().events().search(search)
      .onSuccess(page -> Responses.ok(ctx, page.toJson("events", Events.Summary::toJson))).onFailure(ctx::fail);
  }

  private static KeysetCursor decode(String cursor) {
    try {
      return KeysetCursor.decode(cursor);
    } catch (RuntimeException e) {
      throw ApiError.field(ErrorCode.BAD_REQUEST, "/cursor", "is not a cursor from this listing");
    }
  }

  /** The event with its payload masked, and its resource's history when its source has a resource. */
  private void event(RoutingContext ctx) {
    Source source = source(ctx);
    String eventId = QueryParams.pathParam(ctx, "eventId", ID);
    services.admin().events().event(new Events.Lookup(eventId, source.name(), Events.PayloadView.MASKED))
      .compose(detail -> history(source, detail.summary().externalId()).map(history -> detail.toJson()
        .put("history", history)))
      .onSuccess(event -> Responses.ok(ctx, event)).onFailure(ctx::fail);
  }

  private Future<JsonArray> history(Source source, String resourceId) {
    if (source.resource() == null || resourceId == null) {
      return Future.succeededFuture(new JsonArray());
    }
    return services.admin().resources().read(new Resources.Read(source, resourceId, false))
      .map(resource -> resource.getJsonArray("events"))
      .recover(missing -> Future.succeededFuture(new JsonArray()));
  }

  private void deadLetters(RoutingContext ctx) {
    QueryParams.Window window = QueryParams.window(ctx);
    services.overview().deadLetters(window.from(), window.to()).onSuccess(groups -> {
      JsonArray array = new JsonArray();
      groups.forEach(group -> array.add(group.toJson()));
      Responses.ok(ctx, new JsonObject().put("groups", array));
    }).onFailure(ctx::fail);
  }

  private void resource(RoutingContext ctx) {
    Source source = source(ctx);
    if (source.resource() == null) {
      throw new ApiError(ErrorCode.NOT_FOUND, "This source keeps no resource");
    }
    services.admin().resources().read(new Resources.Read(source, QueryParams.pathParam(ctx, "id", ID), false))
      .onSuccess(resource -> Responses.ok(ctx, resource)).onFailure(ctx::fail);
  }

  private void audit(RoutingContext ctx) {
    QueryParams.Window window = QueryParams.window(ctx);
    AuditService.Search search = new AuditService.Search(QueryParams.oneOf(ctx, "action", io.webhookinbox.audit.Action.NAMES, null),
      QueryParams.string(ctx, "actor", Pattern.compile("[A-Za-z0-9_.@:-]{1,128}")), window.from(), window.to(),
      QueryParams.cursor(ctx), QueryParams.integer(ctx, "limit", 50, 1, 200));
    services.audit().search(search)
      .onSuccess(page -> Responses.ok(ctx, page.toJson("entries", AuditService.Recorded::toJson))).onFailure(ctx::fail);
  }

  Source source(RoutingContext ctx) {
    return source(services, ctx);
  }

  static Source source(Console.Services services, RoutingContext ctx) {
    String name = ctx.pathParam("source");
    return services.sources().stream().filter(source -> source.name().equals(name)).findFirst()
      .orElseThrow(() -> new ApiError(ErrorCode.NOT_FOUND, "No such source"));
  }

  /** When a time in a body is given, as RFC 3339. */
  static String utc(OffsetDateTime time) {
    return Rfc3339.utc(time);
  }
}
