package io.webhookinbox.console;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.SessionHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.webhookinbox.admin.AdminRoutes;
import io.webhookinbox.admin.Overview;
import io.webhookinbox.api.AccessLogHandler;
import io.webhookinbox.api.ApiError;
import io.webhookinbox.api.ErrorCode;
import io.webhookinbox.api.FailureHandler;
import io.webhookinbox.approvals.Approvals;
import io.webhookinbox.audit.AuditRoutes;
import io.webhookinbox.audit.AuditService;
import io.webhookinbox.config.ConsoleConfig;
import io.webhookinbox.config.RuntimeSettings;
import io.webhookinbox.db.BoundedPool;
import io.webhookinbox.overrides.Overrides;
import io.webhookinbox.replay.Replays;
import io.webhookinbox.security.BearerAuth;
import io.webhookinbox.security.Guard;
import io.webhookinbox.security.RateLimiter;
import io.webhookinbox.source.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The operator console at {@code /console}: a page shell and small ES modules (no build step, nothing from a CDN),
 * and a JSON API under {@code /console/api} that calls the same operator services, scopes and audit trail as the
 * operator API, as the operator signed in through the identity provider. One per replica; each HTTP verticle mounts
 * it on the router of the operator API.
 *
 * <p>Security: sessions in PostgreSQL behind an HttpOnly, SameSite=Lax cookie (Secure, {@code __Host-} when served
 * over https); idle and absolute timeouts; a per-session CSRF token required in a header on every state change, and
 * the Origin checked; a Content-Security-Policy without inline script or eval, {@code frame-ancestors 'none'}; no
 * personal data in URLs (payload searches travel in request bodies) or titles; error pages say nothing of the cause.
 */
public final class Console {
  static final String CSRF_KEY = "console.csrf";
  static final String PENDING_KEY = "console.signIn";
  static final String CSRF_HEADER = "X-CSRF-Token";
  private static final Logger LOG = LoggerFactory.getLogger(Console.class);
  private static final long PURGE_EVERY_MS = 10 * 60_000;

  /** The operator services the console calls, and the sources it shows. */
  public record Services(AdminRoutes.Services admin, Overview overview, Replays replays, AuditService audit,
                         Overrides overrides, Approvals approvals, RuntimeSettings settings, List<Source> sources,
                         Supplier<Map<String, Long>> refusals) {
  }

  private final ConsoleConfig config;
  private final boolean development;
  private final String devSecret;
  private final Services services;
  private final PgSessionStore sessions;
  private final SignIn signIn;
  private final Buffer shell;

  private Console(ConsoleConfig config, boolean development, String devSecret, Services services,
                  PgSessionStore sessions, SignIn signIn) {
    this.config = config;
    this.development = development;
    this.devSecret = devSecret;
    this.services = services;
    this.sessions = sessions;
    this.signIn = signIn;
    this.shell = resource("console/index.html");
  }

  /**
   * @param sessionPool the operators' pool (sessions are a small row each)
   * @param devSecret   the development token secret, for local sign-in (development without an IdP); else null
   */
  public static Console create(Vertx vertx, ConsoleConfig config, boolean development, String devSecret,
                               Services services, BoundedPool sessionPool) {
    PgSessionStore sessions = new PgSessionStore(vertx, sessionPool);
    vertx.setPeriodic(PURGE_EVERY_MS, id -> sessions.purgeExpired()
      .onFailure(failure -> LOG.debug("Purging expired console sessions failed: {}", failure.getMessage())));
    return new Console(config, development, devSecret, services, sessions, config.oidc() ? new SignIn(vertx, config)
      : null);
  }

  /**
   * Mounts {@code /console} on {@code router} (the operator API's), behind {@code gate} (the drain gate).
   *
   * @param failedSignIns the per-client-IP limit of failed credentials (the signature checks' limit): a wrong
   *                      development secret counts against it, and once it is used up the local sign-in is refused
   *                      (429) without a look at the secret
   */
  public void mount(Vertx vertx, Router router, Guard guard, AuditRoutes audit, Handler<RoutingContext> gate,
                    FailureHandler failures, RateLimiter failedSignIns) {
    Router console = Router.router(vertx);
    console.route().handler(this::securityHeaders);
    console.route("/assets/*").handler(StaticHandler.create("console/assets").setDirectoryListing(false)
      .setIncludeHidden(false).setDefaultContentEncoding("UTF-8"));
    // Bodies are small JSON documents or the sign-in form: read first (before the session's lookup), bounded.
    console.route().method(HttpMethod.POST).method(HttpMethod.PUT)
      .handler(BodyHandler.create(false).setBodyLimit(64 * 1024));
    console.route().handler(SessionHandler.create(sessions).setSessionCookieName(tls() ? "__Host-wi_console"
        : "wi_console").setCookieHttpOnlyFlag(true).setCookieSecureFlag(tls()).setCookieSameSite(CookieSameSite.LAX)
      .setSessionTimeout(config.idleMinutes() * 60_000L).setLazySession(true).setMinLength(32));
    console.route("/api/*").handler(gate);
    console.route().handler(this::csrf);

    console.get("/sign-in").handler(this::signInPage);
    console.post("/sign-in/local").handler(failedSignIns.refuseWhenExhausted())
      .handler(ctx -> localSignIn(ctx, failedSignIns));
    console.get("/callback").handler(this::callback);
    console.post("/api/sign-out").handler(this::signOut);
    console.get("/signed-out").handler(ctx -> html(ctx, 200, Pages.signedOut()));

    Handler<RoutingContext> operator = this::operator;
    new ConsoleApi(services, config).mount(console, guard, operator);
    new ConsoleActions(services, config).mount(console, guard, operator, audit);

    for (String page : List.of("/", "/events", "/events/:source/:eventId", "/dead-letters", "/resources",
      "/resources/:source/:id", "/configuration", "/audit", "/approvals")) {
      console.get(page).handler(this::page);
    }
    console.route("/api/*").failureHandler(failures);
    console.route().failureHandler(this::errorPage);
    console.route().handler(ctx -> ctx.fail(404));
    // A route for "/console" also matches "/console/" (a trailing slash is ignored): only the bare path redirects.
    router.route("/console").handler(ctx -> {
      if (ctx.request().path().equals("/console")) {
        ctx.redirect("/console/");
      } else {
        ctx.next();
      }
    });
    router.route("/console/*").subRouter(console);
  }

  private boolean tls() {
    return config.publicUrl().startsWith("https://");
  }

  private void securityHeaders(RoutingContext ctx) {
    String formTargets = "'self'" + (config.oidc() ? " " + origin(config.issuer()) : "");
    ctx.response()
      .putHeader("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'"
        + " data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action " + formTargets
        + "; frame-ancestors 'none'")
      .putHeader("X-Content-Type-Options", "nosniff")
      .putHeader("X-Frame-Options", "DENY")
      .putHeader("Referrer-Policy", "no-referrer")
      .putHeader("Cross-Origin-Opener-Policy", "same-origin")
      .putHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    if (tls()) {
      ctx.response().putHeader("Strict-Transport-Security", "max-age=31536000");
    }
    if (!ctx.request().path().startsWith("/console/assets/")) {
      ctx.response().putHeader("Cache-Control", "no-store");
    }
    ctx.next();
  }

  /**
   * State changes need the session's token in {@value #CSRF_HEADER} (or, for the sign-in form, its {@code csrf}
   * field), and a browser's Origin, when sent, must be the console's own.
   */
  private void csrf(RoutingContext ctx) {
    HttpMethod method = ctx.request().method();
    if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
      ctx.next();
      return;
    }
    String origin = ctx.request().getHeader("Origin");
    if (origin != null && !origin.equals(ownOrigin(ctx))) {
      ctx.fail(ApiError.field(ErrorCode.FORBIDDEN, "Origin", "must be the console's own"));
      return;
    }
    if (ctx.request().path().equals("/console/sign-in/local")) {
      ctx.next();
      return;
    }
    Session session = ctx.session();
    if (session == null || !SignIn.same(session.get(CSRF_KEY), ctx.request().getHeader(CSRF_HEADER))) {
      ctx.fail(ApiError.field(ErrorCode.FORBIDDEN, CSRF_HEADER, "missing or not this session's"));
      return;
    }
    ctx.next();
  }

  /** Puts the signed-in operator's principal where the guard and the audit trail read it; 401 without one. */
  private void operator(RoutingContext ctx) {
    Operator operator = current(ctx);
    if (operator == null) {
      ctx.fail(ApiError.field(ErrorCode.UNAUTHORIZED, "session", "sign in at /console/sign-in"));
      return;
    }
    ctx.put(BearerAuth.PRINCIPAL_KEY, operator.principal());
    ctx.put(ConsoleApi.OPERATOR, operator);
    ctx.put(AccessLogHandler.PRINCIPAL, operator.name());
    ctx.next();
  }

  /** The session's operator, or null (none, or past the absolute timeout: then the session ends). */
  private Operator current(RoutingContext ctx) {
    Session session = ctx.session();
    Operator operator = Operator.of(session);
    if (operator != null && System.currentTimeMillis() - operator.signedInAt() > config.absoluteHours() * 3_600_000L) {
      session.destroy();
      return null;
    }
    return operator;
  }

  private void page(RoutingContext ctx) {
    if (current(ctx) == null) {
      ctx.redirect("/console/sign-in?next=" + java.net.URLEncoder.encode(ctx.request().path(),
        java.nio.charset.StandardCharsets.UTF_8));
      return;
    }
    csrfToken(ctx.session());
    ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").end(shell);
  }

  static String csrfToken(Session session) {
    String token = session.get(CSRF_KEY);
    if (token == null) {
      token = SignIn.random(32);
      session.put(CSRF_KEY, token);
    }
    return token;
  }

  private void signInPage(RoutingContext ctx) {
    String next = safeNext(ctx.queryParams().get("next"));
    if (current(ctx) != null) {
      ctx.redirect(next);
      return;
    }
    if (signIn != null) {
      SignIn.Pending pending = SignIn.newPending(next);
      ctx.session().put(PENDING_KEY, pending.toJson());
      signIn.authorizeUrl(pending, base(ctx) + "/console/callback")
        .onSuccess(ctx::redirect)
        .onFailure(failure -> html(ctx, 503, Pages.message("The identity provider does not answer",
          "Sign-in is not possible right now. Try again in a minute.")));
    } else if (development && devSecret != null) {
      html(ctx, 200, Pages.localSignIn(csrfToken(ctx.session()), next, null));
    } else {
      html(ctx, 503, Pages.message("Sign-in is not configured",
        "Set console.oidc.issuer and console.oidc.clientId to sign operators in through your identity provider."));
    }
  }

  private void localSignIn(RoutingContext ctx, RateLimiter failedSignIns) {
    if (signIn != null || !development || devSecret == null) {
      ctx.fail(404);
      return;
    }
    var form = ctx.request().formAttributes();
    String next = safeNext(form.get("next"));
    if (!SignIn.same(ctx.session().get(CSRF_KEY), form.get("csrf"))) {
      html(ctx, 403, Pages.message("Sign-in refused", "The form was stale. Open the sign-in page again."));
      return;
    }
    String name = form.get("name") == null ? "" : form.get("name").trim();
    if (!SignIn.same(devSecret, form.get("secret")) || !name.matches("[A-Za-z0-9_.@-]{1,64}")) {
      failedSignIns.charge(ctx);
      html(ctx, 401, Pages.localSignIn(csrfToken(ctx.session()), next,
        "Name (letters, digits, . _ @ -) and the development secret (.data/dev-jwt-secret) are required."));
      return;
    }
    List<String> scopes = form.getAll("scope").stream().filter(scope -> scope.startsWith("webhooks:")).toList();
    signedIn(ctx, new Operator("local:" + name, name, Operator.scopes(new io.vertx.core.json.JsonArray(scopes),
      java.util.Map.of()), System.currentTimeMillis(), null), next);
  }

  private void callback(RoutingContext ctx) {
    SignIn.Pending pending = ctx.session() == null ? null : SignIn.Pending.of(ctx.session().get(PENDING_KEY));
    String code = ctx.queryParams().get("code");
    if (signIn == null || pending == null || code == null
      || !SignIn.same(pending.state(), ctx.queryParams().get("state"))) {
      html(ctx, 400, Pages.message("Sign-in did not complete", "Start again from the sign-in page."));
      return;
    }
    ctx.session().remove(PENDING_KEY);
    signIn.complete(pending, code, base(ctx) + "/console/callback")
      .onSuccess(operator -> signedIn(ctx, operator, pending.next()))
      .onFailure(failure -> {
        LOG.warn("Console sign-in failed: {}", failure.getMessage());
        html(ctx, 401, Pages.message("Sign-in failed", "The identity provider's answer was not accepted."));
      });
  }

  private void signedIn(RoutingContext ctx, Operator operator, String next) {
    if (operator.scopes().isEmpty()) {
      html(ctx, 403, Pages.message("No access", "Your account has none of the roles webhooks:read, webhooks:admin"
        + " or webhooks:pii for this console."));
      return;
    }
    Session session = ctx.session();
    session.regenerateId();
    session.put(Operator.KEY, operator.toJson());
    session.put(CSRF_KEY, SignIn.random(32));
    LOG.info("Console sign-in by {} with {}", operator.name(), operator.scopes());
    ctx.redirect(next);
  }

  private void signOut(RoutingContext ctx) {
    Operator operator = current(ctx);
    ctx.session().destroy();
    Future<String> idp = operator == null || signIn == null ? Future.succeededFuture(null)
      : signIn.signOutUrl(operator, base(ctx) + "/console/signed-out");
    idp.recover(failure -> Future.succeededFuture(null)).onSuccess(url -> io.webhookinbox.api.Responses.ok(ctx,
      new JsonObject().put("location", url == null ? "/console/signed-out" : url)));
  }

  private void errorPage(RoutingContext ctx) {
    ApiError error = ctx.failure() instanceof ApiError apiError ? apiError : null;
    int status = error != null ? error.status() : ctx.statusCode() >= 400 ? ctx.statusCode() : 500;
    if (status >= 500) {
      LOG.error("Console page failed", ctx.failure());
    }
    if (status == 429 && error != null && error.retryAfterSeconds() != null) {
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(error.retryAfterSeconds()));
      html(ctx, status, Pages.message("Too many attempts", "Too many failed sign-ins from here. Try again later."));
      return;
    }
    html(ctx, status, Pages.message(status == 404 ? "Not found" : status == 403 ? "Not allowed" : "Something went wrong",
      status == 404 ? "There is no such page." : status == 403 ? "This needs a permission you do not have."
        : "The request could not be completed."));
  }

  /** Only a console path of this service: never an absolute URL (no open redirect). */
  static String safeNext(String next) {
    return next != null && next.matches("/console(/[A-Za-z0-9_.:/-]*)?") && !next.contains("//") ? next : "/console/";
  }

  private String base(RoutingContext ctx) {
    return config.publicUrl().isEmpty() ? ownOrigin(ctx) : config.publicUrl();
  }

  private String ownOrigin(RoutingContext ctx) {
    if (!config.publicUrl().isEmpty()) {
      return config.publicUrl();
    }
    return (ctx.request().isSSL() ? "https" : "http") + "://" + ctx.request().authority().toString();
  }

  private static String origin(String url) {
    URI uri = URI.create(url);
    return uri.getScheme() + "://" + uri.getAuthority();
  }

  static void html(RoutingContext ctx, int status, String page) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8").end(page);
  }

  private static Buffer resource(String path) {
    try (InputStream in = Console.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path);
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
