package io.webhookinbox.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.webhookinbox.config.AppConfig;
import io.webhookinbox.ingest.IngestClient;
import io.webhookinbox.retry.RetryRoutes;
import io.webhookinbox.security.BearerAuth;
import io.webhookinbox.sources.cisive.CisiveWebhook;

/**
 * The HTTP front: correlation ids, access log, authentication, content checks, validation. It never touches the
 * database; accepted deliveries go over the event bus to the worker. One instance runs per event loop.
 */
public final class HttpVerticle extends VerticleBase {
  private final AppConfig config;
  private final SchemaValidator cisiveSchema;

  public HttpVerticle(AppConfig config, SchemaValidator cisiveSchema) {
    this.config = config;
    this.cisiveSchema = cisiveSchema;
  }

  @Override
  public Future<?> start() {
    BearerAuth auth = BearerAuth.create(vertx, config.jwt());
    IngestClient ingest = new IngestClient(vertx.eventBus(), config.ingest().timeoutSeconds() * 1000L);

    Router router = Router.router(vertx);
    router.route().handler(new CorrelationIdHandler()).handler(new AccessLogHandler());
    new CisiveWebhook(cisiveSchema, ingest).mount(router, auth, config.http().bodyLimitBytes());
    new RetryRoutes(vertx.eventBus()).mount(router, auth);

    FailureHandler failures = new FailureHandler();
    router.route().failureHandler(failures);
    for (int status : new int[] {400, 404, 405, 413, 500}) {
      router.errorHandler(status, failures);
    }

    HttpServerOptions options = new HttpServerOptions()
      .setHost(config.http().host())
      .setPort(config.http().port())
      .setMaxHeaderSize(config.http().maxHeaderBytes())
      .setMaxInitialLineLength(config.http().maxUriLength())
      .setIdleTimeout(120);
    return vertx.createHttpServer(options).requestHandler(router).listen();
  }
}
