package io.webhookinbox;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.webhookinbox.config.AppConfig;
import io.webhookinbox.http.HttpVerticle;
import io.webhookinbox.ingest.IngestCommand;
import io.webhookinbox.ingest.IngestOutcome;
import io.webhookinbox.ingest.IngestVerticle;
import io.webhookinbox.ingest.LocalCodec;
import io.webhookinbox.ingest.SourceApplier;
import io.webhookinbox.logging.LogContext;
import io.webhookinbox.ops.InboxMetrics;
import io.webhookinbox.config.RuntimeSettings;
import io.webhookinbox.config.SettingsWatcher;
import io.webhookinbox.retry.SchedulerVerticle;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.webhookinbox.sources.cisive.CisiveOrderApplier;
import io.webhookinbox.sources.cisive.CisiveWebhook;
import io.webhookinbox.sources.stripe.PaymentApplier;
import io.webhookinbox.sources.stripe.StripeWebhook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Map;

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

  private InboxServer(Vertx vertx, AppConfig config, RuntimeSettings settings, InboxMetrics metrics) {
    this.vertx = vertx;
    this.config = config;
    this.settings = settings;
    this.metrics = metrics;
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
    HttpVerticle.Schemas schemas = HttpVerticle.Schemas.load();
    InboxMetrics metrics = new InboxMetrics();
    Vertx vertx = Vertx.builder()
      .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
      .withMetrics(new MicrometerMetricsFactory(metrics.registry()))
      .build();
    vertx.eventBus().registerDefaultCodec(IngestCommand.class, new LocalCodec<>(IngestCommand.class));
    vertx.eventBus().registerDefaultCodec(IngestOutcome.class, new LocalCodec<>(IngestOutcome.class));

    RuntimeSettings settings = new RuntimeSettings(config.runtime());
    if (watchedConfigFile != null) {
      SettingsWatcher.watch(vertx, watchedConfigFile, config.configScanMs(), settings);
    }
    Map<String, SourceApplier> appliers = Map.of(CisiveWebhook.SOURCE, new CisiveOrderApplier(),
      StripeWebhook.SOURCE, new PaymentApplier());
    int eventLoops = VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
    int workers = config.ingest().workerInstances() > 0 ? config.ingest().workerInstances() : eventLoops;
    int httpInstances = config.http().instances() > 0 ? config.http().instances() : eventLoops;
    int poolPerWorker = Math.max(1, (config.database().poolSize() + workers - 1) / workers);

    InboxServer server = new InboxServer(vertx, config, settings, metrics);
    return vertx.deployVerticle(() -> new IngestVerticle(config.database(), poolPerWorker, appliers, settings,
          metrics), new DeploymentOptions().setInstances(workers))
      .compose(id -> vertx.deployVerticle(new SchedulerVerticle(config.database(), settings, metrics)))
      .compose(id -> vertx.deployVerticle(() -> new HttpVerticle(config, settings, schemas),
        new DeploymentOptions().setInstances(httpInstances)))
      .map(id -> {
        LOG.info("Webhook Inbox listening on {}:{} ({} HTTP, {} worker instances)", config.http().host(),
          config.http().port(), httpInstances, workers);
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

  public Future<Void> stop() {
    return vertx.close();
  }

  @Override
  public void close() {
    stop().await();
  }
}
