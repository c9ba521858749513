package io.webhookinbox;

import io.webhookinbox.api.AccessLogHandler;
import io.webhookinbox.api.BusRequests;
import io.webhookinbox.api.CorrelationIdHandler;
import io.webhookinbox.api.FailureHandler;
import io.webhookinbox.api.OpenApiRoute;
import io.webhookinbox.api.RouteCatalog;
import io.webhookinbox.api.SchemaValidator;
import io.webhookinbox.security.RateLimiter;
import io.webhookinbox.security.ReceiveBudget;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.healthchecks.HealthChecks;
import io.webhookinbox.admin.AdminRoutes;
import io.webhookinbox.audit.AuditRoutes;
import io.webhookinbox.overrides.ConfigurationRoutes;
import io.webhookinbox.config.AppConfig;
import io.webhookinbox.config.LimitsConfig;
import io.webhookinbox.telemetry.InboxMetrics;
import io.webhookinbox.ops.Lifecycle;
import io.webhookinbox.ops.OpsRoutes;
import io.webhookinbox.config.RuntimeSettings;
import io.webhookinbox.ingest.IngestClient;
import io.webhookinbox.retry.RetryRoutes;
import io.webhookinbox.security.BearerAuth;
import io.webhookinbox.security.JwksKeys;
import io.webhookinbox.sources.cisive.CisiveWebhook;
import io.webhookinbox.sources.cisive.StandardWebhookSignature;
import io.webhookinbox.sources.stripe.StripeWebhook;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The HTTP front: correlation ids, access log, authentication, content checks, validation. It never touches the
 * database; accepted deliveries go over the event bus to the worker. One instance runs per event loop. Two
 * listeners: the public one (webhook endpoints, and the operator API unless {@code management.operatorApi}) and
 * the management one (probes, metrics, and the operator API when so configured).
 */
public final class HttpVerticle extends VerticleBase {
  /** Validators built once (they read schema files) and shared by every instance. */
  public record Schemas(SchemaValidator cisive, SchemaValidator stripe) {
    public static Schemas load() {
      return new Schemas(SchemaValidator.fromResource(CisiveWebhook.SCHEMA),
        SchemaValidator.fromResource(StripeWebhook.SCHEMA));
    }
  }

  /**
   * Per-replica limits shared by every instance: rate limiters per endpoint group (and for failed signature checks)
   * and the budget of bodies being received.
   */
  public record RateLimits(RateLimiter ingest, RateLimiter stripe, RateLimiter admin, RateLimiter failedSignatures,
                           ReceiveBudget receiving) {
    public static RateLimits of(LimitsConfig limits, long bodyLimitBytes) {
      return new RateLimits(limiter("ingest", limits.ingest(), limits), limiter("stripe", limits.stripe(), limits),
        limiter("admin", limits.admin(), limits), limiter("failed-signatures", limits.failedSignatures(), limits),
        new ReceiveBudget(limits.receivingBytes(), limits.receivingPerClientBytes(), bodyLimitBytes,
          limits.clientIpHeader()));
    }

    private static RateLimiter limiter(String group, LimitsConfig.RateLimit limit, LimitsConfig limits) {
      return new RateLimiter(group, limit, limits.maxTrackedCallers(), limits.clientIpHeader());
    }
  }

  /**
   * What the process shares with its HTTP verticles; {@code jwks} is the replica's cache of the identity
   * provider's keys (null when not configured); {@code routes} receives the endpoint list once the first router is
   * built; {@code ingestWorkers} is how many worker instances take deliveries.
   */
  public record Shared(Schemas schemas, JWTAuthOptions jwt, JwksKeys jwks, StandardWebhookSignature cisiveSignature,
                       RateLimits rateLimits, Lifecycle lifecycle, HealthChecks liveness, HealthChecks readiness,
                       InboxMetrics metrics, Buffer openApi, AtomicReference<List<String>> routes, int ingestWorkers) {
  }

  private final AppConfig config;
  private final RuntimeSettings settings;
  private final Shared shared;

  public HttpVerticle(AppConfig config, RuntimeSettings settings, Shared shared) {
    this.config = config;
    this.settings = settings;
    this.shared = shared;
  }

  @Override
  public Future<?> start() {
    BearerAuth auth = BearerAuth.create(vertx, shared.jwt(), config.jwt(), shared.jwks());
    IngestClient ingest = new IngestClient(vertx.eventBus(), settings, shared.ingestWorkers());
    Router publicRouter = router();
    Router management = router();
    OpsRoutes.mount(management, shared.liveness(), shared.readiness(), shared.metrics());
    Router operators = config.management().operatorApi() ? management : publicRouter;

    long bodyLimit = config.http().bodyLimitBytes();
    RateLimits limits = shared.rateLimits();
    // Taken after authentication and the body: senders still sending hold no working capacity.
    Handler<RoutingContext> capacity = shared.lifecycle().capacity();
    new CisiveWebhook(shared.schemas().cisive(), ingest, shared.cisiveSignature(),
      Duration.ofSeconds(config.sources().cisiveMaxFutureSkewSeconds()))
      .mount(publicRouter, auth, limits.ingest(), limits.receiving(), bodyLimit, capacity);
    new StripeWebhook(shared.schemas().stripe(), ingest, settings, config.sources())
      .mount(publicRouter, limits.stripe(), limits.failedSignatures(), limits.receiving(), bodyLimit, capacity);
    OpenApiRoute.mount(operators, shared.openApi());
    BusRequests bus = new BusRequests(vertx.eventBus(), () -> settings.webhooks().timeoutSeconds());
    AuditRoutes audit = new AuditRoutes(bus);
    new RetryRoutes(bus, audit).mount(operators, auth, limits.admin(), capacity);
    new AdminRoutes(bus, audit).mount(operators, auth, limits.admin(), capacity);
    new ConfigurationRoutes(bus, settings, audit).mount(operators, auth, limits.admin(), limits.receiving(), capacity);
    audit.mount(operators, auth, limits.admin(), capacity);

    FailureHandler failures = new FailureHandler();
    for (Router router : List.of(publicRouter, management)) {
      router.route().failureHandler(failures);
      for (int status : new int[] {400, 404, 405, 413, 500}) {
        router.errorHandler(status, failures);
      }
    }
    shared.routes().compareAndSet(null, RouteCatalog.of(publicRouter, management));

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

  /** Correlation ids and the access log on every request; the drain gate and body deadline on the API's. */
  private Router router() {
    Router router = Router.router(vertx);
    router.route().handler(new CorrelationIdHandler()).handler(new AccessLogHandler());
    router.route("/api/*").handler(shared.lifecycle().gate());
    return router;
  }
}
