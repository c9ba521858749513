package io.webhookinbox;

import io.webhookinbox.api.AccessLogHandler;
import io.webhookinbox.api.BusRequests;
import io.webhookinbox.api.CorrelationIdHandler;
import io.webhookinbox.api.FailureHandler;
import io.webhookinbox.api.OpenApiRoute;
import io.webhookinbox.api.RouteCatalog;
import io.webhookinbox.api.SchemaValidator;
import io.webhookinbox.security.RateLimiter;
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
 * database; accepted deliveries go over the event bus to the worker. One instance runs per event loop.
 */
public final class HttpVerticle extends VerticleBase {
  /** Validators built once (they read schema files) and shared by every instance. */
  public record Schemas(SchemaValidator cisive, SchemaValidator stripe) {
    public static Schemas load() {
      return new Schemas(SchemaValidator.fromResource(CisiveWebhook.SCHEMA),
        SchemaValidator.fromResource(StripeWebhook.SCHEMA));
    }
  }

  /** Per-replica rate limiters, one per endpoint group, shared by every instance. */
  public record RateLimits(RateLimiter ingest, RateLimiter stripe, RateLimiter admin) {
    public static RateLimits of(LimitsConfig limits) {
      return new RateLimits(new RateLimiter("ingest", limits.ingest(), limits.maxTrackedCallers(), limits.clientIpHeader()),
        new RateLimiter("stripe", limits.stripe(), limits.maxTrackedCallers(), limits.clientIpHeader()),
        new RateLimiter("admin", limits.admin(), limits.maxTrackedCallers(), limits.clientIpHeader()));
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

    Router router = Router.router(vertx);
    router.route().handler(new CorrelationIdHandler()).handler(new AccessLogHandler());
    OpsRoutes.mount(router, shared.liveness(), shared.readiness(), shared.metrics());
    OpenApiRoute.mount(router, shared.openApi());
    router.route("/api/*").handler(shared.lifecycle().gate());
    long bodyLimit = config.http().bodyLimitBytes();
    RateLimits limits = shared.rateLimits();
    // Taken after authentication and the body: senders still sending hold no working capacity.
    Handler<RoutingContext> capacity = shared.lifecycle().capacity();
    new CisiveWebhook(shared.schemas().cisive(), ingest, shared.cisiveSignature(),
      Duration.ofSeconds(config.sources().cisiveMaxFutureSkewSeconds()))
      .mount(router, auth, limits.ingest(), bodyLimit, capacity);
    new StripeWebhook(shared.schemas().stripe(), ingest, settings, config.sources())
      .mount(router, limits.stripe(), bodyLimit, capacity);
    BusRequests bus = new BusRequests(vertx.eventBus(), () -> settings.webhooks().timeoutSeconds());
    AuditRoutes audit = new AuditRoutes(bus);
    new RetryRoutes(bus, audit).mount(router, auth, limits.admin(), capacity);
    new AdminRoutes(bus, audit).mount(router, auth, limits.admin(), capacity);
    new ConfigurationRoutes(bus, settings, audit).mount(router, auth, limits.admin(), capacity);
    audit.mount(router, auth, limits.admin(), capacity);

    FailureHandler failures = new FailureHandler();
    router.route().failureHandler(failures);
    for (int status : new int[] {400, 404, 405, 413, 500}) {
      router.errorHandler(status, failures);
    }

    shared.routes().compareAndSet(null, RouteCatalog.of(router));

    HttpServerOptions options = new HttpServerOptions()
      .setHost(config.http().host())
      .setPort(config.http().port())
      .setMaxHeaderSize(config.http().maxHeaderBytes())
      .setMaxInitialLineLength(config.http().maxUriLength())
      .setIdleTimeout(120);
    return vertx.createHttpServer(options).requestHandler(router).listen();
  }
}
