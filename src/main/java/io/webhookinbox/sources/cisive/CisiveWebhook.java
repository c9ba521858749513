package io.webhookinbox.sources.cisive;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.webhookinbox.api.AccessLogHandler;
import io.webhookinbox.api.ApiError;
import io.webhookinbox.api.CorrelationIdHandler;
import io.webhookinbox.api.ErrorCode;
import io.webhookinbox.api.JsonBodies;
import io.webhookinbox.security.RateLimiter;
import io.webhookinbox.security.ReceiveBudget;
import io.webhookinbox.api.Rfc3339;
import io.webhookinbox.api.SchemaValidator;
import io.webhookinbox.ingest.IngestClient;
import io.webhookinbox.ingest.IngestCommand;
import io.webhookinbox.ingest.IngestResponses;
import io.webhookinbox.ingest.Payloads;
import io.webhookinbox.telemetry.LogContext;
import io.webhookinbox.security.BearerAuth;
import io.webhookinbox.security.Scope;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;

/** {@code POST /api/webhooks/cisive/orders}: authenticate, check, validate, hand to the worker, answer. */
public final class CisiveWebhook {
  public static final String SOURCE = "cisive";
  public static final String PATH = "/api/webhooks/cisive/orders";
  public static final String SCHEMA = "schemas/cisive-order-event.schema.json";
  private static final String DEFAULT_SCHEMA_VERSION = "1.0";
  private static final String SIGNATURE_KEY = "cisive.signature";

  private final SchemaValidator schema;
  private final IngestClient ingest;
  private final StandardWebhookSignature signature;
  private final Duration maxFutureSkew;

  /**
   * @param signature     the HMAC check every delivery must also pass, or null when Cisive signatures are off
   * @param maxFutureSkew how far {@code occurredAt} may be ahead of this clock
   */
  public CisiveWebhook(SchemaValidator schema, IngestClient ingest, StandardWebhookSignature signature,
                       Duration maxFutureSkew) {
    this.schema = schema;
    this.ingest = ingest;
    this.signature = signature;
    this.maxFutureSkew = maxFutureSkew;
  }

  /**
   * Auth, signature headers, content type and the receive budget are checked before the body is read (a first
   * route), the size limit while it is read (a second route: vertx-web wants a body handler ahead of other
   * handlers within one route).
   */
  public void mount(Router router, BearerAuth auth, RateLimiter rateLimiter, ReceiveBudget receiving,
                    long bodyLimitBytes, Handler<RoutingContext> capacity) {
    router.post(PATH).handler(auth.require(Scope.INGEST)).handler(rateLimiter.handler()).handler(this::precheck)
      .handler(JsonBodies.requireJson()).handler(receiving.reserve(false));
    router.post(PATH).handler(BodyHandler.create(false).setBodyLimit(bodyLimitBytes)).handler(capacity)
      .handler(this::receive);
  }

  private void precheck(RoutingContext ctx) {
    ingest.requireActive();
    if (signature != null) {
      ctx.put(SIGNATURE_KEY, signature.parse(ctx.request().getHeader(StandardWebhookSignature.ID),
        ctx.request().getHeader(StandardWebhookSignature.TIMESTAMP),
        ctx.request().getHeader(StandardWebhookSignature.SIGNATURE), Instant.now().getEpochSecond()));
    }
    ctx.next();
  }

  private void receive(RoutingContext ctx) {
    long receivedNanos = System.nanoTime();
    Buffer raw = ctx.body().buffer();
    StandardWebhookSignature.Headers signed = ctx.get(SIGNATURE_KEY);
    if (signed != null) {
      signature.verify(signed, raw == null ? new byte[0] : raw.getBytes());
    }
    JsonObject body = JsonBodies.parseObject(raw);
    schema.validate(body);
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

    IngestCommand command = new IngestCommand(SOURCE, eventId, eventType, order.getString("externalOrderId"),
      occurredAt, body.getString("schemaVersion", DEFAULT_SCHEMA_VERSION), body,
      raw.toString(StandardCharsets.UTF_8), Payloads.sha256Hex(raw.getBytes()), ingest.enabled(eventType),
      Instant.now(), receivedNanos, false);
    ingest.submit(command, CorrelationIdHandler.get(ctx), BearerAuth.principal(ctx).subject())
      .onSuccess(outcome -> IngestResponses.respond(ctx, outcome, "externalOrderId", "orderVersion"))
      .onFailure(ctx::fail);
  }
}
