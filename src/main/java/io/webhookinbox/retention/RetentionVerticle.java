package io.webhookinbox.retention;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.webhookinbox.config.DatabaseConfig;
import io.webhookinbox.config.RetentionConfig;
import io.webhookinbox.db.DbErrors;
import io.webhookinbox.telemetry.InboxMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/** Runs {@link Retention} at start-up and then every {@code retention.intervalMinutes}, one run at a time. */
public final class RetentionVerticle extends VerticleBase {
  /** Runs maintenance now (tests and benchmarks); answers the run's report as text. */
  public static final String RUN_ADDRESS = "webhook-inbox.retention.run";
  private static final Logger LOG = LoggerFactory.getLogger(RetentionVerticle.class);

  private final DatabaseConfig database;
  private final RetentionConfig config;
  private final InboxMetrics metrics;
  private Retention retention;
  private long timerId = -1;
  private volatile boolean stopped;
  private Future<Retention.Report> running = Future.succeededFuture();

  public RetentionVerticle(DatabaseConfig database, RetentionConfig config, InboxMetrics metrics) {
    this.database = database;
    this.config = config;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    retention = new Retention(vertx, database, config, () -> stopped);
    vertx.eventBus().<Void>consumer(RUN_ADDRESS, message -> runOnce()
      .onSuccess(report -> message.reply(report.toString()))
      .onFailure(failure -> message.fail(500, DbErrors.describe(failure))));
    schedule(1);
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timerId);
    return running.timeout(Retention.STATEMENT_SECONDS, TimeUnit.SECONDS).otherwiseEmpty();
  }

  private void schedule(long delayMs) {
    if (!stopped) {
      timerId = vertx.setTimer(delayMs, id -> runOnce()
        .onComplete(done -> schedule(TimeUnit.MINUTES.toMillis(config.intervalMinutes()))));
    }
  }

  private Future<Retention.Report> runOnce() {
    running = running.transform(previous -> retention.run())
      .onSuccess(report -> {
        metrics.retentionRan(report.skipped() ? "skipped" : "done", report.daysAhead(), report.unfinishedExpired());
        if (!report.skipped()) {
          LOG.info("Retention run: {}", report);
        }
      })
      .onFailure(failure -> {
        metrics.retentionRan("failed", -1, -1);
        LOG.error("Retention run failed; the next run tries again: {}", DbErrors.describe(failure));
      });
    return running;
  }
}
