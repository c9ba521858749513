package io.webhookinbox.admin;

import io.vertx.core.json.JsonObject;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.webhookinbox.api.ApiError;
import io.vertx.core.http.HttpMethod;
import io.webhookinbox.audit.Action;
import io.webhookinbox.audit.AuditRoutes;
import io.webhookinbox.audit.Caller;
import io.webhookinbox.api.BusRequests;
import io.webhookinbox.api.ErrorCode;
import io.webhookinbox.api.KeysetCursor;
import io.webhookinbox.api.QueryParams;
import io.webhookinbox.security.RateLimiter;
import io.webhookinbox.api.Responses;
import io.webhookinbox.security.BearerAuth;
import io.webhookinbox.security.Scope;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Operators' read endpoints (scope {@code webhooks:read} or {@code webhooks:admin}). Raw payloads and personal data
 * are included only for {@code webhooks:admin}.
 */
public final class AdminRoutes {
  public static final String EVENT = "/api/webhooks/events/:eventId";
  public static final String EVENTS = "/api/webhooks/events";
  public static final String STATISTICS = "/api/webhooks/statistics";
  public static final String ORDER = "/api/orders/:externalOrderId";
  public static final String PAYMENT = "/api/payments/:paymentIntentId";
  public static final String PERSONAL_DATA = "/api/orders/:externalOrderId/personal-data";
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:-]{1,255}");
  private static final Pattern EVENT_TYPE = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
  private static final Set<String> STATUSES = Set.of("processing", "processed", "stale", "ignored", "failed", "dead");
  private static final Set<String> SOURCES = Set.of("cisive", "stripe");
  private static final int DEFAULT_STATISTICS_DAYS = 30;

  private final BusRequests bus;
  private final AuditRoutes audit;

  public AdminRoutes(BusRequests bus, AuditRoutes audit) {
    this.bus = bus;
    this.audit = audit;
  }

  public void mount(Router router, BearerAuth auth, RateLimiter rateLimiter, Handler<RoutingContext> capacity) {
    Map<String, Handler<RoutingContext>> reads = new LinkedHashMap<>();
    reads.put(EVENT, this::event);
    reads.put(EVENTS, this::events);
    reads.put(STATISTICS, this::statistics);
    reads.put(ORDER, this::order);
    reads.put(PAYMENT, this::payment);
    reads.forEach((path, read) -> router.get(path).handler(auth.require(Scope.READ, Scope.ADMIN))
      .handler(rateLimiter.handler()).handler(capacity).handler(read));
    router.delete(PERSONAL_DATA).handler(auth.require(Scope.ADMIN)).handler(rateLimiter.handler()).handler(capacity)
      .handler(this::erasePersonalData);
    audit.recordRefusals(router, HttpMethod.DELETE, PERSONAL_DATA, Action.PERSONAL_DATA_ERASURE, ctx -> {
      String orderId = ctx.pathParam("externalOrderId");
      return new AuditRoutes.Attempt(orderId != null && ID.matcher(orderId).matches() ? orderId : null,
        new JsonObject());
    });
  }

  /** Idempotent: a second call answers zero redactions and the first erasure's time. */
  private void erasePersonalData(RoutingContext ctx) {
    JsonObject request = Caller.of(ctx).attachTo(new JsonObject()
      .put("externalOrderId", QueryParams.pathParam(ctx, "externalOrderId", ID)));
    bus.call(AdminVerticle.ERASE_ADDRESS, request)
      .onSuccess(data -> Responses.send(ctx, 200, new JsonObject().put("success", true)
        .put("message", "Personal data erased").put("data", data)))
      .onFailure(ctx::fail);
  }

  private void event(RoutingContext ctx) {
    reply(ctx, AdminVerticle.EVENT_ADDRESS, new JsonObject()
      .put("eventId", QueryParams.pathParam(ctx, "eventId", ID))
      .put("source", QueryParams.oneOf(ctx, "source", SOURCES, null))
      .put("includePayload", isAdmin(ctx)));
  }

  private void events(RoutingContext ctx) {
    OffsetDateTime from = QueryParams.dateTime(ctx, "from");
    OffsetDateTime to = QueryParams.dateTime(ctx, "to");
    KeysetCursor cursor = QueryParams.cursor(ctx);
    reply(ctx, AdminVerticle.SEARCH_ADDRESS, new JsonObject()
      .put("status", QueryParams.oneOf(ctx, "status", STATUSES, null))
      .put("source", QueryParams.oneOf(ctx, "source", SOURCES, null))
      .put("eventType", QueryParams.string(ctx, "eventType", EVENT_TYPE))
      .put("externalId", firstOf(QueryParams.string(ctx, "externalOrderId", ID), QueryParams.string(ctx, "paymentId", ID)))
      .put("from", from == null ? null : from.toString())
      .put("to", to == null ? null : to.toString())
      .put("cursor", cursor == null ? null : cursor.encode())
      .put("limit", QueryParams.integer(ctx, "limit", 50, 1, 500)));
  }

  private void statistics(RoutingContext ctx) {
    OffsetDateTime end = QueryParams.dateTime(ctx, "endDate");
    OffsetDateTime start = QueryParams.dateTime(ctx, "startDate");
    end = end == null ? OffsetDateTime.now(ZoneOffset.UTC) : end;
    start = start == null ? end.minusDays(DEFAULT_STATISTICS_DAYS) : start;
    if (!start.isBefore(end)) {
      throw ApiError.field(ErrorCode.BAD_REQUEST, "endDate", "must be after startDate");
    }
    reply(ctx, AdminVerticle.STATISTICS_ADDRESS, new JsonObject()
      .put("startDate", start.toString())
      .put("endDate", end.toString())
      .put("eventType", QueryParams.string(ctx, "eventType", EVENT_TYPE)));
  }

  private void order(RoutingContext ctx) {
    reply(ctx, AdminVerticle.ORDER_ADDRESS, new JsonObject()
      .put("externalOrderId", QueryParams.pathParam(ctx, "externalOrderId", ID))
      .put("includePersonalData", isAdmin(ctx)));
  }

  private void payment(RoutingContext ctx) {
    reply(ctx, AdminVerticle.PAYMENT_ADDRESS, new JsonObject()
      .put("paymentIntentId", QueryParams.pathParam(ctx, "paymentIntentId", ID))
      .put("includePersonalData", isAdmin(ctx)));
  }

  private void reply(RoutingContext ctx, String address, JsonObject request) {
    bus.call(address, request).onSuccess(data -> Responses.ok(ctx, data)).onFailure(ctx::fail);
  }

  private static boolean isAdmin(RoutingContext ctx) {
    return BearerAuth.principal(ctx).has(Scope.ADMIN);
  }

  private static String firstOf(String a, String b) {
    return a != null ? a : b;
  }
}
