package io.webhookinbox.ops;

import io.webhookinbox.telemetry.InboxMetrics;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;

/** Probes and metrics, outside {@code /api} so they still answer while a replica drains. */
public final class OpsRoutes {
  public static final String LIVE = "/health/live";
  public static final String READY = "/health/ready";
  public static final String METRICS = "/metrics";

  private OpsRoutes() {
  }

  public static void mount(Router router, HealthChecks liveness, HealthChecks readiness, InboxMetrics metrics) {
    router.get(LIVE).handler(HealthCheckHandler.createWithHealthChecks(liveness));
    router.get(READY).handler(HealthCheckHandler.createWithHealthChecks(readiness));
    router.get(METRICS).handler(PrometheusScrapingHandler.create(metrics.registry()));
  }
}
