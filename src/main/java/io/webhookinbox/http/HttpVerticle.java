package io.webhookinbox.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.webhookinbox.config.AppConfig;
import io.webhookinbox.config.RuntimeSettings;
import io.webhookinbox.ingest.IngestClient;
import io.webhookinbox.retry.RetryRoutes;
import io.webhookinbox.security.BearerAuth;
import io.webhookinbox.sources.cisive.CisiveWebhook;
import io.webhookinbox.sources.cisive.StandardWebhookSignature;
import io.webhookinbox.sources.stripe.StripeWebhook;

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

  private final AppConfig config;
  private final RuntimeSettings settings;
  private final Schemas schemas;

  public HttpVerticle(AppConfig config, RuntimeSettings settings, Schemas schemas) {
    this.config = config;
    this.settings = settings;
    this.schemas = schemas;
  }

  @Override
  public Future<?> start() {
    BearerAuth auth = BearerAuth.create(vertx, config.jwt());
    IngestClient ingest = new IngestClient(vertx.eventBus(), settings);

    Router router = Router.router(vertx);
    router.route().handler(new CorrelationIdHandler()).handler(new AccessLogHandler());
    long bodyLimit = config.http().bodyLimitBytes();
    StandardWebhookSignature cisiveSignature = config.sources().cisiveSignatures()
      ? StandardWebhookSignature.of(config.sources().cisiveSecrets(), config.sources().cisiveToleranceSeconds())
      : null;
    new CisiveWebhook(schemas.cisive(), ingest, cisiveSignature).mount(router, auth, bodyLimit);
    new StripeWebhook(schemas.stripe(), ingest, settings, config.sources()).mount(router, bodyLimit);
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
