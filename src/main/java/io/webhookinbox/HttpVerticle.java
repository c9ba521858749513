package io.webhookinbox;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import io.webhookinbox.admin.AdminRoutes;
import io.webhookinbox.api.AccessLogHandler;
import io.webhookinbox.api.CorrelationIdHandler;
import io.webhookinbox.api.FailureHandler;
import io.webhookinbox.api.OpenApiRoute;
import io.webhookinbox.api.RouteCatalog;
import io.webhookinbox.api.SpanNaming;
import io.webhookinbox.audit.AuditRoutes;
import io.webhookinbox.audit.AuditService;
import io.webhookinbox.config.AppConfig;
import io.webhookinbox.console.Console;
import io.webhookinbox.config.LimitsConfig;
import io.webhookinbox.config.RuntimeSettings;
import io.webhookinbox.db.DbFailures;
import io.webhookinbox.ops.Lifecycle;
import io.webhookinbox.ops.OpsRoutes;
import io.webhookinbox.overrides.ConfigurationRoutes;
import io.webhookinbox.overrides.Overrides;
import io.webhookinbox.replay.ReplayRoutes;
import io.webhookinbox.replay.Replays;
import io.webhookinbox.security.BearerAuth;
import io.webhookinbox.security.Guard;
import io.webhookinbox.security.JwksKeys;
import io.webhookinbox.security.RateLimiter;
import io.webhookinbox.security.ReceiveBudget;
import io.webhookinbox.source.Endpoint;
import io.webhookinbox.source.Intake;
import io.webhookinbox.source.Mount;
import io.webhookinbox.source.Source;
import io.webhookinbox.telemetry.InboxMetrics;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * The HTTP front: correlation ids, access log, authentication, limits, validation. Accepted deliveries go over the
 * event bus to an ingest verticle; operator requests call the typed operator services. One instance runs per event
 * loop. Two listeners: the public one (webhook endpoints, and the operator API unless {@code management.operatorApi})
 * and the management one (probes, metrics, and the operator API when so configured).
 */
public final class HttpVerticle extends VerticleBase {
  /**
   * The replica's token checking and limits, shared by every instance: the identity provider's keys (null when not
   * configured), the operators' rate limit, the failed signature checks' limit and the budget of bodies being
   * received.
   */
  record Security(JWTAuthOptions jwt, JwksKeys jwks, RateLimiter operators, RateLimiter failedSignatures,
                  ReceiveBudget receiving) {
    static Security of(AppConfig config, JwksKeys jwks) {
      LimitsConfig limits = config.limits();
      return new Security(BearerAuth.options(config.jwt()), jwks,
        new RateLimiter("admin", limits.admin(), limits.maxTrackedCallers(), limits.clientIpHeader()),
        new RateLimiter("failed-signatures", limits.failedSignatures(), limits.maxTrackedCallers(),
          limits.clientIpHeader()),
        new ReceiveBudget(limits.receivingBytes(), limits.receivingPerClientBytes(), config.http().bodyLimitBytes(),
          limits.clientIpHeader()));
    }
  }

  /** Probes and metrics. */
  record Health(HealthChecks liveness, HealthChecks readiness, InboxMetrics metrics) {
  }

  /** The operator API's services and documents. */
  record Operators(AdminRoutes.Services admin, Replays replays, AuditService audit, Overrides overrides,
                   List<Source> sources, Buffer openApi, Console console) {
  }

  /**
   * What the replica shares with its HTTP verticles; {@code routes} receives the endpoint list once the first
   * router is built.
   */
  record Front(AppConfig config, RuntimeSettings settings, Lifecycle lifecycle, Security security, Health health,
               Operators operators, List<Endpoint> endpoints, Intake intake, AtomicReference<List<String>> routes) {
  }

  private final Front front;

  HttpVerticle(Front front) {
    this.front = front;
  }

  @Override
  public Future<?> start() {
    AppConfig config = front.config();
    Security security = front.security();
    BearerAuth auth = BearerAuth.create(vertx, security.jwt(), config.jwt(), security.jwks());
    Router publicRouter = router();
    Router management = router();
    OpsRoutes.mount(management, front.health().liveness(), front.health().readiness(), front.health().metrics());

    Mount mount = new Mount(front.intake(), auth, security.failedSignatures(), security.receiving(),
      config.http().bodyLimitBytes(), front.lifecycle().capacity(), front.settings());
    front.endpoints().forEach(endpoint -> endpoint.mount(publicRouter, mount));
    FailureHandler failures = new FailureHandler(DbFailures::toApiError);
    mountOperatorApi(config.management().operatorApi() ? management : publicRouter,
      new Guard(auth, security.operators(), front.lifecycle().capacity()), failures);

    for (Router router : List.of(publicRouter, management)) {
      router.route().failureHandler(failures);
      for (int status : new int[] {400, 404, 405, 413, 500}) {
        router.errorHandler(status, failures);
      }
    }
    front.routes().compareAndSet(null, RouteCatalog.of(publicRouter, management));

    HttpServerOptions options = new HttpServerOptions()
      .setMaxHeaderSize(config.http().maxHeaderBytes())
      .setMaxInitialLineLength(config.http().maxUriLength())
      .setIdleTimeout(120);
    return Future.all(
      vertx.createHttpServer(new HttpServerOptions(options).setHost(config.http().host()).setPort(config.http().port()))
        .requestHandler(publicRouter).listen(),
      vertx.createHttpServer(new HttpServerOptions(options).setHost(config.management().host())
        .setPort(config.management().port())).requestHandler(management).listen());
  }

  private void mountOperatorApi(Router router, Guard guard, FailureHandler failures) {
    Operators operators = front.operators();
    Set<String> sourceNames = operators.sources().stream().map(Source::name).collect(Collectors.toSet());
    OpenApiRoute.mount(router, operators.openApi());
    AuditRoutes audit = new AuditRoutes(operators.audit());
    new ReplayRoutes(operators.replays(), audit, sourceNames).mount(router, guard);
    new AdminRoutes(operators.admin(), audit, operators.sources()).mount(router, guard);
    new ConfigurationRoutes(operators.overrides(), front.settings(), audit).mount(router, guard,
      front.security().receiving());
    audit.mount(router, guard);
    if (operators.console() != null) {
      operators.console().mount(vertx, router, guard, audit, front.lifecycle().gate(), failures,
        front.security().failedSignatures());
    }
  }

  /**
   * Correlation ids, the access log and the span's name on every request; the drain gate and body deadline on the
   * API's.
   */
  private Router router() {
    Router router = Router.router(vertx);
    router.route().handler(new CorrelationIdHandler()).handler(new AccessLogHandler()).handler(new SpanNaming(router));
    router.route("/api/*").handler(front.lifecycle().gate());
    return router;
  }
}
