package io.webhookinbox.ops;

import io.webhookinbox.telemetry.InboxMetrics;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.core.http.HttpHeaders;

/** Probes and metrics, outside {@code /api} so they still answer while a replica drains. */
public final class OpsRoutes {
  public static final String LIVE = "/health/live";
  public static final String READY = "/health/ready";
  public static final String METRICS = "/metrics";
  static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private OpsRoutes() {
  }

  public static void mount(Router router, HealthChecks liveness, HealthChecks readiness, InboxMetrics metrics) {
    router.get(LIVE).handler(HealthCheckHandler.createWithHealthChecks(liveness));
    router.get(READY).handler(HealthCheckHandler.createWithHealthChecks(readiness));
    router.get(METRICS).handler(ctx -> {
      // OpenMetrics when the scraper asks for it: only that format carries the exemplars (trace ids).
      String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
      String type = accept != null && accept.contains("application/openmetrics-text")
        ? OPENMETRICS : PROMETHEUS_TEXT;
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, type).end(metrics.registry().scrape(type));
    });
  }
}
