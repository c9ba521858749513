package io.webhookinbox.sources.cisive;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.webhookinbox.api.AccessLogHandler;
import io.webhookinbox.api.ApiError;
import io.webhookinbox.api.CorrelationIdHandler;
import io.webhookinbox.api.ErrorCode;
import io.webhookinbox.api.JsonBodies;
import io.webhookinbox.api.Rfc3339;
import io.webhookinbox.api.SchemaValidator;
import io.webhookinbox.events.NewEvent;
import io.webhookinbox.security.BearerAuth;
import io.webhookinbox.security.RateLimiter;
import io.webhookinbox.security.Scope;
import io.webhookinbox.source.Answers;
import io.webhookinbox.source.Endpoint;
import io.webhookinbox.source.Intake;
import io.webhookinbox.source.Mount;
import io.webhookinbox.telemetry.LogContext;
import io.webhookinbox.telemetry.Tracing;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;

/** {@code POST /api/webhooks/cisive/orders}: authenticate, check, validate, hand to the intake, answer. */
public final class CisiveWebhook implements Endpoint {
  public static final String PATH = "/api/webhooks/cisive/orders";
  private static final String DEFAULT_SCHEMA_VERSION = "1.0";
  private static final String SIGNATURE_KEY = "cisive.signature";

  private final SchemaValidator schema;
  private final StandardWebhookSignature signature;
  private final Duration maxFutureSkew;
  private final RateLimiter rateLimiter;

  /**
   * @param signature     the HMAC check every delivery must also pass, or null when signatures are off
   * @param maxFutureSkew how far {@code occurredAt} may be ahead of this clock
   * @param rateLimiter   per token subject, shared by the replica's HTTP verticles
   */
  CisiveWebhook(SchemaValidator schema, StandardWebhookSignature signature, Duration maxFutureSkew,
                RateLimiter rateLimiter) {
    this.schema = schema;
    this.signature = signature;
    this.maxFutureSkew = maxFutureSkew;
    this.rateLimiter = rateLimiter;
  }

  /**
   * Auth, signature headers, content type and the receive budget are checked before the body is read (a first
   * route), the size limit while it is read (a second route: vertx-web wants a body handler ahead of other
   * handlers within one route).
   */
  @Override
  public void mount(Router router, Mount mount) {
    router.post(PATH).handler(mount.auth().require(Scope.INGEST)).handler(rateLimiter.handler())
      .handler(ctx -> precheck(ctx, mount.intake())).handler(JsonBodies.requireJson())
      .handler(mount.receiving().reserve(false));
    router.post(PATH).handler(BodyHandler.create(false).setBodyLimit(mount.bodyLimitBytes()))
      .handler(mount.capacity()).handler(ctx -> receive(ctx, mount.intake()));
  }

  private void precheck(RoutingContext ctx, Intake intake) {
    intake.requireActive();
    if (signature != null) {
      ctx.put(SIGNATURE_KEY, signature.parse(ctx.request().getHeader(StandardWebhookSignature.ID),
        ctx.request().getHeader(StandardWebhookSignature.TIMESTAMP),
        ctx.request().getHeader(StandardWebhookSignature.SIGNATURE), Instant.now().getEpochSecond()));
    }
    ctx.next();
  }

  private void receive(RoutingContext ctx, Intake intake) {
    NewEvent.Receipt receipt = NewEvent.Receipt.now(CorrelationIdHandler.get(ctx),
      BearerAuth.principal(ctx).subject());
    Buffer raw = ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer();
    StandardWebhookSignature.Headers signed = ctx.get(SIGNATURE_KEY);
    if (signed != null) {
      signature.verify(signed, raw.getBytes());
      Tracing.event("signature verified");
    }
    JsonObject body = JsonBodies.parseObject(raw);
    schema.validate(body);
    Tracing.event("schema validated");
    String eventId = body.getString("eventId");
    if (signed != null && !signed.id().equals(eventId)) {
      throw StandardWebhookSignature.rejected(400, StandardWebhookSignature.ID, "must equal the body's eventId");
    }
    String eventType = body.getString("eventType");
    LogContext.setEventId(eventId);
    ctx.put(AccessLogHandler.EVENT_TYPE, eventType);
    OffsetDateTime occurredAt = Rfc3339.parse(body.getString("occurredAt"), "/occurredAt");
    // The newest occurredAt wins, so one from the future would answer every genuine update "stale" until then.
    if (occurredAt.toInstant().isAfter(Instant.now().plus(maxFutureSkew))) {
      throw ApiError.field(ErrorCode.VALIDATION_FAILED, "/occurredAt",
        "must not be more than " + maxFutureSkew.toSeconds() + " seconds in the future");
    }
    JsonObject order = body.getJsonObject("order");
    // Checked here so a date Java cannot represent is a 400 now, not a failed apply later.
    Rfc3339.parseOptional(order.getString("orderedAt"), "/order/orderedAt");
    Rfc3339.parseOptional(order.getString("completedAt"), "/order/completedAt");

    NewEvent event = new NewEvent(new NewEvent.Identity(CisiveSource.NAME, eventId, eventType,
      order.getString("externalOrderId"), occurredAt, body.getString("schemaVersion", DEFAULT_SCHEMA_VERSION)),
      NewEvent.Body.of(body, raw), receipt, intake.enabled(eventType), false);
    intake.submit(event)
      .onSuccess(outcome -> Answers.respond(ctx, outcome, "externalOrderId", "orderVersion"))
      .onFailure(ctx::fail);
  }
}
