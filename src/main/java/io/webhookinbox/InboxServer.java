package io.webhookinbox;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import io.webhookinbox.admin.AdminRoutes;
import io.webhookinbox.admin.Overview;
import io.webhookinbox.approvals.Approvals;
import io.webhookinbox.console.Console;
import io.webhookinbox.admin.Events;
import io.webhookinbox.admin.Resources;
import io.webhookinbox.admin.Statistics;
import io.webhookinbox.api.LocalCodec;
import io.webhookinbox.api.OpenApiRoute;
import io.webhookinbox.audit.AuditService;
import io.webhookinbox.config.AppConfig;
import io.webhookinbox.config.LimitsConfig;
import io.webhookinbox.config.RuntimeSettings;
import io.webhookinbox.config.SettingsWatcher;
import io.webhookinbox.db.ConnectionBudget;
import io.webhookinbox.events.EventClaims.ClaimBatch;
import io.webhookinbox.events.NewEvent;
import io.webhookinbox.ingest.Appliers;
import io.webhookinbox.ingest.IngestClient;
import io.webhookinbox.ingest.IngestVerticle;
import io.webhookinbox.ops.InFlightLimit;
import io.webhookinbox.ops.Lifecycle;
import io.webhookinbox.ops.OpsVerticle;
import io.webhookinbox.overrides.Overrides;
import io.webhookinbox.overrides.OverridesVerticle;
import io.webhookinbox.replay.Replays;
import io.webhookinbox.retention.PayloadIndexVerticle;
import io.webhookinbox.retention.RetentionVerticle;
import io.webhookinbox.retry.RetryScheduler;
import io.webhookinbox.security.JwksKeys;
import io.webhookinbox.source.IngestOutcome;
import io.webhookinbox.source.Source;
import io.webhookinbox.telemetry.InboxMetrics;
import io.webhookinbox.telemetry.LogContext;
import io.webhookinbox.telemetry.Tracing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * One running service: its own Vert.x with the ingest, scheduler and HTTP verticles deployed from one typed config.
 * The database must already be reachable and migrated. Tests start several to play replicas.
 */
public final class InboxServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InboxServer.class);

  private final Vertx vertx;
  private final AppConfig config;
  private final RuntimeSettings settings;
  private final InboxMetrics metrics;
  private final Lifecycle lifecycle;
  private final AtomicReference<List<String>> routes;
  private final Tracing tracing;
  private volatile String schedulerDeployment;

  private InboxServer(Vertx vertx, AppConfig config, RuntimeSettings settings, InboxMetrics metrics,
                      Lifecycle lifecycle, AtomicReference<List<String>> routes, Tracing tracing) {
    this.vertx = vertx;
    this.tracing = tracing;
    this.config = config;
    this.settings = settings;
    this.metrics = metrics;
    this.lifecycle = lifecycle;
    this.routes = routes;
  }

  /** The endpoints served, as {@code "METHOD /path/{param}"}. */
  public List<String> routes() {
    return routes.get();
  }

  /** Starts without watching a config file (retry settings stay as given). */
  public static Future<InboxServer> start(AppConfig config) {
    return start(config, null);
  }

  public static Future<InboxServer> start(AppConfig config, Path watchedConfigFile) {
    return start(config, watchedConfigFile, Sources.ALL);
  }

  /**
   * Creates Vert.x and deploys everything; blocking parts (schema files) run on the caller's thread.
   *
   * @param watchedConfigFile the config file whose {@code retry}, {@code scheduler} and {@code webhooks} edits
   *                          apply while running; null to not watch
   * @param sources           the webhook senders served (the registry in {@code config} must know their settings)
   */
  public static Future<InboxServer> start(AppConfig config, Path watchedConfigFile, List<Source> sources) {
    return start(config, watchedConfigFile, sources, config.tracing().enabled()
      ? Tracing.start(config.tracing().properties()) : Tracing.off());
  }

  /** @param tracing the replica's OpenTelemetry (tests pass one that exports to memory) */
  public static Future<InboxServer> start(AppConfig config, Path watchedConfigFile, List<Source> sources,
                                          Tracing tracing) {
    LogContext.init();
    InboxMetrics metrics = new InboxMetrics(sources.stream().map(Source::name).toList(),
      config.registry().eventTypes(), sources.stream().filter(source -> source.applier().batchUpsert() != null)
        .map(Source::name).toList());
    Vertx vertx = newVertx(metrics, tracing);
    vertx.eventBus().registerDefaultCodec(NewEvent.class, new LocalCodec<>(NewEvent.class));
    vertx.eventBus().registerDefaultCodec(IngestOutcome.class, new LocalCodec<>(IngestOutcome.class));
    vertx.eventBus().registerDefaultCodec(ClaimBatch.class, new LocalCodec<>(ClaimBatch.class));
    RuntimeSettings settings = config.runtimeSettings();
    // One ingest verticle per two cores, not per event loop (two per core): each runs one group commit at a time,
    // so fewer of them gather more deliveries per transaction, and PostgreSQL's work per event falls with the batch
    // (measured on 2 cores: one instance instead of two, 28 % less PostgreSQL CPU per event, 5-11 % more events/s).
    ConnectionBudget budget = ConnectionBudget.of(config.database().poolSize(),
      config.ingest().instancesFor(Runtime.getRuntime().availableProcessors()));
    LimitsConfig limits = config.limits();
    Lifecycle lifecycle = new Lifecycle(new InFlightLimit(limits.maxInFlight(), limits.maxInFlightBurst(),
      limits.quickAnswerMs()), limits.maxInFlightBytes(), config.http().bodyTimeoutMs());
    metrics.inFlightLimit(lifecycle::inFlightLimit, lifecycle::takenPastSteadyLimit);
    SharedPools pools = SharedPools.create(vertx, config.database(), settings);
    Overrides overrides = new Overrides(pools.configuration(), settings);
    JwksKeys jwks = config.jwt().jwks().enabled()
      ? new JwksKeys(config.jwt().jwks(), config.jwt().algorithms(), metrics) : null;
    HttpVerticle.Front front = new HttpVerticle.Front(config, settings, lifecycle,
      HttpVerticle.Security.of(config, jwks), new HttpVerticle.Health(HealthChecks.create(vertx),
        HealthChecks.create(vertx), metrics),
      operators(vertx, config, settings, pools, overrides, sources, metrics),
      sources.stream().map(source -> source.endpoint(config)).toList(),
      new IngestClient(vertx.eventBus(), settings, budget.ingestInstances()), new AtomicReference<>());
    IngestVerticle.Shared ingest = new IngestVerticle.Shared(config.database(), config.ingest(),
      new Appliers(sources.stream().map(Source::applier).toList()), settings, metrics, budget, tracing);
    int httpInstances = config.http().instances() > 0 ? config.http().instances()
      : VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
    InboxServer server = new InboxServer(vertx, config, settings, metrics, lifecycle, front.routes(), tracing);
    AtomicInteger ingestNumber = new AtomicInteger();
    // In this order: the config file's watcher and operator overrides first (everything after acts on settings from
    // its first moment), the HTTP verticles last (traffic only once everything it reaches is there).
    List<Supplier<Future<String>>> deployments = List.of(
      () -> watchedConfigFile == null ? Future.succeededFuture("")
        : vertx.deployVerticle(new SettingsWatcher(watchedConfigFile, config.configScanMs(), settings)),
      () -> vertx.deployVerticle(new OverridesVerticle(config.database(), overrides)),
      () -> vertx.deployVerticle(() -> new IngestVerticle(ingest, ingestNumber.incrementAndGet()),
        new DeploymentOptions().setInstances(budget.ingestInstances())),
      () -> vertx.deployVerticle(new RetryScheduler(config.database(), pools.scheduler(), settings, metrics))
        .onSuccess(id -> server.schedulerDeployment = id),
      () -> vertx.deployVerticle(new OpsVerticle(config.database(), settings, lifecycle, front.health().liveness(),
        front.health().readiness(), budget.ingestInstances())),
      () -> vertx.deployVerticle(new RetentionVerticle(config.database(), config.retention(), metrics)),
      () -> vertx.deployVerticle(new PayloadIndexVerticle(pools.operators(), metrics)),
      // Waits for the first JWKS fetch (bounded by its timeout); starts without keys when the IdP is down.
      () -> jwks == null ? Future.succeededFuture("") : vertx.deployVerticle(jwks),
      () -> vertx.deployVerticle(() -> new HttpVerticle(front), new DeploymentOptions().setInstances(httpInstances)));
    Future<String> deployed = Future.succeededFuture();
    for (Supplier<Future<String>> deployment : deployments) {
      deployed = deployed.compose(previous -> deployment.get());
    }
    return deployed
      .map(id -> {
        lifecycle.markDeployed();
        LOG.info("Webhook Inbox listening on {}:{}, management on {}:{} ({} HTTP, {} ingest instances)",
          config.http().host(), config.http().port(), config.management().host(), config.management().port(),
          httpInstances, budget.ingestInstances());
        return server;
      })
      .onFailure(failure -> {
        // Not composed: close() completes on a terminating event loop, so nothing may wait on it from there.
        LOG.error("Start-up failed", failure);
        vertx.close().onComplete(closed -> tracing.close());
      });
  }

  /** With tracing on, Vert.x spans HTTP requests, event-bus messages and SQL statements; off, it does none of it. */
  private static Vertx newVertx(InboxMetrics metrics, Tracing tracing) {
    VertxBuilder builder = Vertx.builder();
    if (tracing.enabled()) {
      builder.withTracer(new OpenTelemetryTracingFactory(tracing.openTelemetry()));
    }
    return builder
      .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        // The event bus carries one local hop per delivery; its meters (several registry look-ups per message,
        // 1.4 % of the event loops' time) feed no dashboard, alert or documented metric.
        .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
        // Route templates, not paths: label values stay a fixed set whatever ids appear in URLs.
        .setLabels(EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE,
          Label.POOL_NAME))))
      .withMetrics(new MicrometerMetricsFactory(metrics.registry()))
      .build();
  }

  /** The typed services of the operator API and the console, on the replica's shared pools. */
  private static HttpVerticle.Operators operators(Vertx vertx, AppConfig config, RuntimeSettings settings,
                                                  SharedPools pools, Overrides overrides, List<Source> sources,
                                                  InboxMetrics metrics) {
    Map<String, Source> byName = new LinkedHashMap<>();
    sources.forEach(source -> byName.put(source.name(), source));
    AdminRoutes.Services admin = new AdminRoutes.Services(new Events(pools.operators(), byName),
      new Statistics(pools.operators()), new Resources(pools.operators()));
    Replays replays = new Replays(pools.scheduler(), vertx.eventBus(), List.copyOf(byName.keySet()));
    AuditService audit = new AuditService(pools.operators());
    Console console = !config.console().enabled() ? null : Console.create(vertx, config.console(),
      config.development(), config.development() ? config.jwt().hmacSecret() : null,
      new Console.Services(admin, new Overview(pools.operators()), replays, audit, overrides,
        new Approvals(pools.operators(), Duration.ofMinutes(config.console().approvalMinutes())),
        settings, sources, metrics::refusals),
      pools.operators());
    return new HttpVerticle.Operators(admin, replays, audit, overrides, sources, OpenApiRoute.load(), console);
  }

  public Vertx vertx() {
    return vertx;
  }

  public AppConfig config() {
    return config;
  }

  public RuntimeSettings settings() {
    return settings;
  }

  public InboxMetrics metrics() {
    return metrics;
  }

  public Lifecycle lifecycle() {
    return lifecycle;
  }

  public Future<Void> stop() {
    return vertx.close();
  }

  /**
   * Graceful stop, for SIGTERM: readiness goes down and new API requests are refused at once; requests in flight
   * get up to {@code drainTimeout} to finish; then the scheduler stops claiming (its current batch may finish)
   * and Vert.x closes, which closes the HTTP servers and the pools. Blocking: call it from the shutdown hook.
   */
  public void shutdown(Duration drainTimeout) {
    lifecycle.beginDrain();
    LOG.info("Draining: readiness down, new requests refused, {} request(s) in flight", lifecycle.inFlight());
    long deadline = System.nanoTime() + drainTimeout.toNanos();
    while (lifecycle.inFlight() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    LOG.info("Drained with {} request(s) still in flight; stopping the scheduler", lifecycle.inFlight());
    if (schedulerDeployment != null) {
      vertx.undeploy(schedulerDeployment).toCompletionStage().toCompletableFuture()
        .completeOnTimeout(null, 15, TimeUnit.SECONDS).join();
    }
    vertx.close().await();
    tracing.close();
    LOG.info("Stopped");
  }

  public Tracing tracing() {
    return tracing;
  }

  /** Stops and flushes the spans not yet exported. */
  @Override
  public void close() {
    stop().await();
    tracing.close();
  }
}
