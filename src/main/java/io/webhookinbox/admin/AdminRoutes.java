package io.webhookinbox.admin;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.webhookinbox.api.ApiError;
import io.webhookinbox.api.ErrorCode;
import io.webhookinbox.api.KeysetCursor;
import io.webhookinbox.api.QueryParams;
import io.webhookinbox.api.Responses;
import io.webhookinbox.audit.Action;
import io.webhookinbox.audit.AuditRoutes;
import io.webhookinbox.audit.Caller;
import io.webhookinbox.security.BearerAuth;
import io.webhookinbox.security.Guard;
import io.webhookinbox.security.Scope;
import io.webhookinbox.source.Source;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Operators' read endpoints (scope {@code webhooks:read} or {@code webhooks:admin}) and personal-data erasure
 * ({@code webhooks:admin}). Raw payloads and personal data are included only for {@code webhooks:admin}. Each
 * source with a resource gets its read route, and its erasure route when it holds personal data.
 */
public final class AdminRoutes {
  public static final String EVENT = "/api/webhooks/events/:eventId";
  public static final String EVENTS = "/api/webhooks/events";
  public static final String STATISTICS = "/api/webhooks/statistics";
  public static final String PERSONAL_DATA = "/personal-data";
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:-]{1,255}");
  private static final Pattern EVENT_TYPE = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
  private static final Set<String> STATUSES = Set.of("processing", "processed", "stale", "ignored", "failed", "dead");
  private static final int DEFAULT_STATISTICS_DAYS = 30;

  /** The operator services these routes call. */
  public record Services(Events events, Statistics statistics, Resources resources) {
  }

  private final Services services;
  private final AuditRoutes audit;
  private final List<Source> sources;
  private final Set<String> sourceNames;

  public AdminRoutes(Services services, AuditRoutes audit, List<Source> sources) {
    this.services = services;
    this.audit = audit;
    this.sources = List.copyOf(sources);
    this.sourceNames = Set.copyOf(sources.stream().map(Source::name).toList());
  }

  public void mount(Router router, Guard guard) {
    guard.protect(router.get(EVENT), Scope.READ, Scope.ADMIN).handler(this::event);
    guard.protect(router.get(EVENTS), Scope.READ, Scope.ADMIN).handler(this::events);
    guard.protect(router.get(STATISTICS), Scope.READ, Scope.ADMIN).handler(this::statistics);
    for (Source source : sources) {
      if (source.resource() == null) {
        continue;
      }
      String path = source.resource().path();
      String idParam = source.resource().idParam();
      guard.protect(router.get(path), Scope.READ, Scope.ADMIN).handler(ctx -> services.resources()
        .read(new Resources.Read(source, QueryParams.pathParam(ctx, idParam, ID), isAdmin(ctx)))
        .onSuccess(resource -> Responses.ok(ctx, resource)).onFailure(ctx::fail));
      if (source.personalData() != null) {
        guard.protect(router.delete(path + PERSONAL_DATA), Scope.ADMIN).handler(ctx -> services.resources()
          .erase(new Resources.Erase(source, QueryParams.pathParam(ctx, idParam, ID), Caller.of(ctx)))
          .onSuccess(erased -> Responses.send(ctx, 200, new JsonObject().put("success", true)
            .put("message", "Personal data erased").put("data", erased)))
          .onFailure(ctx::fail));
        audit.recordRefusals(router, HttpMethod.DELETE, path + PERSONAL_DATA, Action.PERSONAL_DATA_ERASURE, ctx -> {
          String id = ctx.pathParam(idParam);
          return new AuditRoutes.Attempt(id != null && ID.matcher(id).matches() ? id : null, new JsonObject());
        });
      }
    }
  }

  private void event(RoutingContext ctx) {
    services.events().event(new Events.Lookup(QueryParams.pathParam(ctx, "eventId", ID),
        QueryParams.oneOf(ctx, "source", sourceNames, null),
        isAdmin(ctx) ? Events.PayloadView.FULL : Events.PayloadView.NONE))
      .onSuccess(detail -> Responses.ok(ctx, detail.toJson())).onFailure(ctx::fail);
  }

  /**
   * Filters by a resource id under any source's name for it ({@code ?externalOrderId=}, ...), and by the payload
   * ({@link PayloadSearch}).
   */
  private void events(RoutingContext ctx) {
    OffsetDateTime from = QueryParams.dateTime(ctx, "from");
    OffsetDateTime to = QueryParams.dateTime(ctx, "to");
    KeysetCursor cursor = QueryParams.cursor(ctx);
    String status = QueryParams.oneOf(ctx, "status", STATUSES, null);
    String source = QueryParams.oneOf(ctx, "source", sourceNames, null);
    String eventType = QueryParams.string(ctx, "eventType", EVENT_TYPE);
    String externalId = null;
    for (Source each : sources) {
      String value = QueryParams.string(ctx, each.idField(), ID);
      externalId = externalId == null ? value : externalId;
    }
    String payload = ctx.queryParams().get("payload");
    PayloadSearch.Filter filter = payload == null ? null : PayloadSearch.parse("payload", payload,
      BearerAuth.principal(ctx).has(Scope.PII), sources, source);
    Events.Search search = new Events.Search(status, source, eventType, externalId, from, to, filter, cursor,
      QueryParams.integer(ctx, "limit", 50, 1, 500));
    services.events().search(search)
      .onSuccess(page -> Responses.ok(ctx, page.toJson("events", Events.Summary::toJson))).onFailure(ctx::fail);
  }

  private void statistics(RoutingContext ctx) {
    OffsetDateTime end = QueryParams.dateTime(ctx, "endDate");
    OffsetDateTime start = QueryParams.dateTime(ctx, "startDate");
    end = end == null ? OffsetDateTime.now(ZoneOffset.UTC) : end;
    start = start == null ? end.minusDays(DEFAULT_STATISTICS_DAYS) : start;
    if (!start.isBefore(end)) {
      throw ApiError.field(ErrorCode.BAD_REQUEST, "endDate", "must be after startDate");
    }
    services.statistics().compute(new Statistics.Query(start, end, QueryParams.string(ctx, "eventType", EVENT_TYPE)))
      .onSuccess(report -> Responses.ok(ctx, report.toJson())).onFailure(ctx::fail);
  }

  private static boolean isAdmin(RoutingContext ctx) {
    return BearerAuth.principal(ctx).has(Scope.ADMIN);
  }
}
