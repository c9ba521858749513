package io.webhookinbox;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.webhookinbox.config.AppConfig;
import io.webhookinbox.db.ConnectionBudget;
import io.webhookinbox.admin.AdminVerticle;
import io.webhookinbox.overrides.OverridesVerticle;
import io.webhookinbox.api.OpenApiRoute;
import io.webhookinbox.ingest.IngestCommand;
import io.webhookinbox.ingest.IngestOutcome;
import io.webhookinbox.ingest.IngestVerticle;
import io.webhookinbox.api.LocalCodec;
import io.webhookinbox.ingest.SourceApplier;
import io.webhookinbox.telemetry.LogContext;
import io.webhookinbox.telemetry.InboxMetrics;
import io.webhookinbox.config.RuntimeSettings;
import io.webhookinbox.config.SettingsWatcher;
import io.webhookinbox.retention.RetentionVerticle;
import io.webhookinbox.retry.SchedulerVerticle;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.webhookinbox.sources.cisive.CisiveOrderApplier;
import io.webhookinbox.security.BearerAuth;
import io.webhookinbox.security.JwksKeys;
import io.webhookinbox.sources.cisive.CisiveWebhook;
import io.webhookinbox.sources.cisive.StandardWebhookSignature;
import io.webhookinbox.sources.stripe.PaymentApplier;
import io.webhookinbox.sources.stripe.StripeWebhook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.micrometer.Label;
import io.webhookinbox.ops.Lifecycle;
import io.webhookinbox.ops.OpsVerticle;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One running service: its own Vert.x with the worker, scheduler and HTTP verticles deployed from one typed
 * config. The database must already be reachable and migrated. Tests start several to play replicas.
 */
public final class InboxServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InboxServer.class);

  private final Vertx vertx;
  private final AppConfig config;
  private final RuntimeSettings settings;
  private final InboxMetrics metrics;
  private final Lifecycle lifecycle;
  private final AtomicReference<List<String>> routes;
  private volatile String schedulerDeployment;

  private InboxServer(Vertx vertx, AppConfig config, RuntimeSettings settings, InboxMetrics metrics,
                      Lifecycle lifecycle, AtomicReference<List<String>> routes) {
    this.vertx = vertx;
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

  /**
   * Creates Vert.x and deploys everything; blocking parts (schema files) run on the caller's thread.
   *
   * @param watchedConfigFile the config file whose {@code retry} and {@code scheduler} edits apply while running;
   *                          null to not watch
   */
  public static Future<InboxServer> start(AppConfig config, Path watchedConfigFile) {
    LogContext.init();
    InboxMetrics metrics = new InboxMetrics();
    Vertx vertx = Vertx.builder()
      .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        // Route templates, not paths: label values stay a fixed set whatever ids appear in URLs.
        .setLabels(EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE,
          Label.POOL_NAME))))
      .withMetrics(new MicrometerMetricsFactory(metrics.registry()))
      .build();
    Lifecycle lifecycle = new Lifecycle(config.limits().maxInFlight(), config.limits().maxInFlightBytes(),
      config.http().bodyTimeoutMs());
    StandardWebhookSignature cisiveSignature = config.sources().cisiveSignatures()
      ? StandardWebhookSignature.of(config.sources().cisiveSecrets(), config.sources().cisiveToleranceSeconds())
      : null;
    JwksKeys jwks = config.jwt().jwks().enabled()
      ? new JwksKeys(config.jwt().jwks(), config.jwt().algorithms(), metrics) : null;
    int eventLoops = VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
    // One worker per core, not per event loop (two per core): each worker runs one group commit at a time, so
    // fewer workers gather more deliveries per transaction, and PostgreSQL's work per event falls with the batch.
    int cores = Runtime.getRuntime().availableProcessors();
    ConnectionBudget budget = ConnectionBudget.of(config.database().poolSize(),
      config.ingest().workerInstances() > 0 ? config.ingest().workerInstances() : cores);
    int workers = budget.workers();
    HttpVerticle.Shared shared = new HttpVerticle.Shared(HttpVerticle.Schemas.load(), BearerAuth.options(config.jwt()),
      jwks, cisiveSignature, HttpVerticle.RateLimits.of(config.limits(), config.http().bodyLimitBytes()), lifecycle, HealthChecks.create(vertx), HealthChecks.create(vertx),
      metrics, OpenApiRoute.load(), new AtomicReference<>(), workers);
    vertx.eventBus().registerDefaultCodec(IngestCommand.class, new LocalCodec<>(IngestCommand.class));
    vertx.eventBus().registerDefaultCodec(IngestOutcome.class, new LocalCodec<>(IngestOutcome.class));

    RuntimeSettings settings = new RuntimeSettings(config.runtime(), !config.development());
    if (watchedConfigFile != null) {
      SettingsWatcher.watch(vertx, watchedConfigFile, config.configScanMs(), settings);
    }
    Map<String, SourceApplier> appliers = Map.of(CisiveWebhook.SOURCE, new CisiveOrderApplier(),
      StripeWebhook.SOURCE, new PaymentApplier());
    int httpInstances = config.http().instances() > 0 ? config.http().instances() : eventLoops;

    InboxServer server = new InboxServer(vertx, config, settings, metrics, lifecycle, shared.routes());
    AtomicInteger workerNumber = new AtomicInteger();
    // Operator overrides load first: the workers and the scheduler act on settings from their first moment.
    return vertx.deployVerticle(new OverridesVerticle(config.database(), settings))
      .compose(id -> vertx.deployVerticle(() -> {
        int number = workerNumber.incrementAndGet();
        return new IngestVerticle(config.database(), config.ingest(), number, budget.perWorker(),
          number == 1 ? budget.retry() : 0, appliers, settings, metrics);
      }, new DeploymentOptions().setInstances(workers)))
      .compose(id -> vertx.deployVerticle(new SchedulerVerticle(config.database(), settings, metrics)))
      .compose(id -> {
        server.schedulerDeployment = id;
        return vertx.deployVerticle(new OpsVerticle(config.database(), settings, lifecycle, shared.liveness(),
          shared.readiness(), workers));
      })
      .compose(id -> vertx.deployVerticle(new AdminVerticle(config.database(), settings)))
      .compose(id -> vertx.deployVerticle(new RetentionVerticle(config.database(), config.retention(), metrics)))
      // Waits for the first JWKS fetch (bounded by its timeout); starts without keys when the IdP is down.
      .compose(id -> jwks == null ? Future.succeededFuture(id) : vertx.deployVerticle(jwks))
      .compose(id -> vertx.deployVerticle(() -> new HttpVerticle(config, settings, shared),
        new DeploymentOptions().setInstances(httpInstances)))
      .map(id -> {
        lifecycle.markDeployed();
        LOG.info("Webhook Inbox listening on {}:{}, management on {}:{} ({} HTTP, {} worker instances)",
          config.http().host(), config.http().port(), config.management().host(), config.management().port(),
          httpInstances, workers);
        return server;
      })
      .onFailure(failure -> {
        // Not composed: close() completes on a terminating event loop, so nothing may wait on it from there.
        LOG.error("Start-up failed", failure);
        vertx.close();
      });
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
    LOG.info("Stopped");
  }

  @Override
  public void close() {
    stop().await();
  }
}
