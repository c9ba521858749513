package io.webhookinbox.audit;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.webhookinbox.api.ApiError;
import io.webhookinbox.api.FailureHandler;
import io.webhookinbox.api.KeysetCursor;
import io.webhookinbox.api.QueryParams;
import io.webhookinbox.api.Responses;
import io.webhookinbox.db.DbErrors;
import io.webhookinbox.security.BearerAuth;
import io.webhookinbox.security.Guard;
import io.webhookinbox.security.Scope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.function.Function;

/**
 * {@code GET /api/webhooks/audit} (scope {@code webhooks:admin}), and the failure handler that records refused
 * operator actions before the refusal is answered.
 */
public final class AuditRoutes {
  public static final String AUDIT = "/api/webhooks/audit";
  private static final Logger LOG = LoggerFactory.getLogger(AuditRoutes.class);
  /**
   * Not refusals of the change itself, so not recorded: authentication and scope (401, 403: the access log has
   * them, and recording them would let any token holder fill the table), a slow body (408) and load (429).
   */
  private static final Set<Integer> NOT_AUDITED = Set.of(401, 403, 408, 429);

  /** What a refused request was about, without personal data. */
  public record Attempt(String target, JsonObject parameters) {
  }

  private final AuditService service;

  public AuditRoutes(AuditService service) {
    this.service = service;
  }

  public void mount(Router router, Guard guard) {
    guard.protect(router.get(AUDIT), Scope.ADMIN).handler(this::list);
  }

  private void list(RoutingContext ctx) {
    QueryParams.Window window = QueryParams.window(ctx);
    KeysetCursor cursor = QueryParams.cursor(ctx);
    AuditService.Search search = new AuditService.Search(QueryParams.oneOf(ctx, "action", Action.NAMES, null),
      window.from(), window.to(), cursor, QueryParams.integer(ctx, "limit", 50, 1, 500));
    service.search(search).onSuccess(page -> Responses.ok(ctx, page.toJson("entries", AuditService.Recorded::toJson)))
      .onFailure(ctx::fail);
  }

  /**
   * A failure handler for the routes of {@code method path} (mount it before the router's final failure handler):
   * a 4xx refusal of an authenticated operator's request is recorded, in a transaction of its own, before the
   * error is answered. Changes that succeed record themselves in their own transaction. If the refusal cannot be
   * recorded (the database is down), the refusal is still answered and the failure logged.
   */
  public void recordRefusals(Router router, HttpMethod method, String path, Action action,
                             Function<RoutingContext, Attempt> attempt) {
    router.route(method, path).failureHandler(ctx -> {
      ApiError error = refusal(ctx);
      if (error == null || BearerAuth.principal(ctx) == null) {
        ctx.next();
        return;
      }
      Attempt what = attempt.apply(ctx);
      JsonArray fieldErrors = new JsonArray();
      error.details().forEach(field -> fieldErrors.add(field.toJson()));
      JsonObject result = new JsonObject().put("httpStatus", error.status()).put("code", error.code().code())
        .put("message", error.getMessage()).put("fieldErrors", fieldErrors);
      AuditEntry entry = AuditEntry.refused(Caller.of(ctx), action, what.target(), what.parameters(), result);
      service.recordRefusal(entry)
        .onFailure(failure -> LOG.warn("A refused {} could not be recorded in the audit trail: {}", action.value(),
          DbErrors.describe(failure)))
        .onComplete(recorded -> ctx.next());
    });
  }

  /** The refusal a failed request ends in, or null when it is not one the trail records (see NOT_AUDITED). */
  private static ApiError refusal(RoutingContext ctx) {
    ApiError error = FailureHandler.toApiError(ctx.failure(), ctx.statusCode());
    return error.status() >= 400 && error.status() < 500 && !NOT_AUDITED.contains(error.status()) ? error : null;
  }

  /** The names of a request's query parameters that look like names (never their values). */
  public static JsonArray queryNames(RoutingContext ctx) {
    JsonArray names = new JsonArray();
    ctx.queryParams().names().stream().filter(name -> name.matches("[A-Za-z0-9_.-]{1,64}")).sorted().limit(32)
      .forEach(names::add);
    return names;
  }
}
