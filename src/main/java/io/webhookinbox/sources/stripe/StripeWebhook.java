package io.webhookinbox.sources.stripe;

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
import io.webhookinbox.api.SchemaValidator;
import io.webhookinbox.config.RuntimeSettings;
import io.webhookinbox.events.NewEvent;
import io.webhookinbox.security.RateLimiter;
import io.webhookinbox.source.Answers;
import io.webhookinbox.source.Endpoint;
import io.webhookinbox.source.Intake;
import io.webhookinbox.source.IngestOutcome;
import io.webhookinbox.source.Mount;
import io.webhookinbox.telemetry.LogContext;
import io.webhookinbox.telemetry.Tracing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code POST /api/webhooks/events}: Stripe payment events. The signature is the authentication (no JWT), checked
 * over the raw bytes before anything is parsed. The event id is the idempotency key, so a replayed delivery is a
 * duplicate. Types this service does not process are stored as {@code ignored} and answered 200, since Stripe
 * keeps retrying anything else.
 */
public final class StripeWebhook implements Endpoint {
  public static final String PATH = "/api/webhooks/events";
  public static final String DISPUTE_CREATED = "charge.dispute.created";
  static final Set<String> PROCESSED_TYPES = Set.of("payment_intent.succeeded", "payment_intent.payment_failed",
    "payment_intent.canceled", DISPUTE_CREATED);
  private static final String PRINCIPAL = "stripe-signature";
  private static final String SIGNATURE_KEY = "stripe.signature";
  private static final Logger LOG = LoggerFactory.getLogger(StripeWebhook.class);

  private final SchemaValidator schema;
  private final List<String> secrets;
  private final int toleranceSeconds;
  private final RateLimiter verified;

  /** @param verified the limit of deliveries whose signature passed, per client IP, shared by the replica */
  StripeWebhook(SchemaValidator schema, List<String> secrets, int toleranceSeconds, RateLimiter verified) {
    this.schema = schema;
    this.secrets = List.copyOf(secrets);
    this.toleranceSeconds = toleranceSeconds;
    this.verified = verified;
  }

  /**
   * No token here: the signature is the authentication, and everything the headers can refuse is refused before
   * the body is read (a missing, malformed or stale signature, a client whose signatures keep failing, a wrong
   * content type, a declared length over the limit or the unauthenticated senders' share of the receive budget).
   * Failed signature checks are limited per client IP ({@code failedSignatures}), separately from verified
   * deliveries, so a flood of junk signatures never makes Stripe's own deliveries wait.
   */
  @Override
  public void mount(Router router, Mount mount) {
    RateLimiter failedSignatures = mount.failedSignatures();
    router.post(PATH).handler(failedSignatures.refuseWhenExhausted())
      .handler(ctx -> precheck(ctx, mount.intake(), mount.settings(), failedSignatures))
      .handler(JsonBodies.requireJson()).handler(mount.receiving().reserve(true));
    router.post(PATH).handler(BodyHandler.create(false).setBodyLimit(mount.bodyLimitBytes()))
      .handler(mount.capacity()).handler(ctx -> receive(ctx, mount.intake(), mount.settings(), failedSignatures));
  }

  /** A Stripe event is applied only when this service processes its type and it names a payment intent. */
  static boolean applicable(String type, String paymentIntentId) {
    return PROCESSED_TYPES.contains(type) && paymentIntentId != null;
  }

  private void precheck(RoutingContext ctx, Intake intake, RuntimeSettings settings, RateLimiter failedSignatures) {
    intake.requireActive();
    if (settings.webhooks().signatureVerification()) {
      if (secrets.isEmpty()) {
        throw ApiError.of(ErrorCode.SECRET_NOT_CONFIGURED);
      }
      StripeSignature.Header header = charged(ctx, failedSignatures, () -> StripeSignature.parse(
        ctx.request().getHeader(StripeSignature.HEADER), toleranceSeconds, Instant.now().getEpochSecond()));
      ctx.put(SIGNATURE_KEY, header);
    }
    ctx.next();
  }

  private void receive(RoutingContext ctx, Intake intake, RuntimeSettings settings, RateLimiter failedSignatures) {
    NewEvent.Receipt receipt = NewEvent.Receipt.now(CorrelationIdHandler.get(ctx), PRINCIPAL);
    Buffer raw = ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer();
    byte[] bytes = raw.getBytes();
    StripeSignature.Header header = ctx.get(SIGNATURE_KEY);
    // The setting may have changed since the headers were checked: what was checked then decides.
    boolean signed = header != null;
    if (signed) {
      charged(ctx, failedSignatures, () -> {
        StripeSignature.verify(header, bytes, secrets);
        return null;
      });
      Tracing.event("signature verified");
    } else {
      LOG.warn("Stripe delivery accepted WITHOUT signature verification (webhooks.signatureVerification=false)");
    }
    verified.check(ctx);
    JsonObject event = JsonBodies.parseObject(raw);
    schema.validate(event);
    Tracing.event("schema validated");
    String eventId = event.getString("id");
    String type = event.getString("type");
    LogContext.setEventId(eventId);
    ctx.put(AccessLogHandler.EVENT_TYPE, PROCESSED_TYPES.contains(type) ? type : "other");
    JsonObject object = event.getJsonObject("data").getJsonObject("object");
    String paymentIntentId = DISPUTE_CREATED.equals(type) ? object.getString("payment_intent") : object.getString("id");
    String apiVersion = event.getString("api_version");
    if (apiVersion != null && !apiVersion.equals(settings.webhooks().apiVersion())) {
      LOG.warn("Stripe event in API version {} (configured {})", apiVersion, settings.webhooks().apiVersion());
    }
    boolean apply = applicable(type, paymentIntentId) && intake.enabled(type);
    NewEvent stored = new NewEvent(new NewEvent.Identity(StripeSource.NAME, eventId, type, paymentIntentId,
      OffsetDateTime.ofInstant(Instant.ofEpochSecond(event.getLong("created")), ZoneOffset.UTC), apiVersion),
      NewEvent.Body.of(event, raw), receipt, apply, signed);
    intake.submit(stored)
      .onSuccess(outcome -> Answers.respond(ctx, outcome, "paymentId", "paymentVersion",
        processingResponse(outcome, type, receipt.nanos())))
      .onFailure(ctx::fail);
  }

  /** Runs a signature check, counting its failure against the client. */
  private static <T> T charged(RoutingContext ctx, RateLimiter failedSignatures, Supplier<T> check) {
    try {
      return check.get();
    } catch (ApiError refused) {
      failedSignatures.charge(ctx);
      throw refused;
    }
  }

  /** The guide's WebhookProcessingResponse: every 2xx here means the event is stored, so its status is success. */
  static JsonObject processingResponse(IngestOutcome outcome, String type, long receivedNanos) {
    return new JsonObject()
      .put("status", "success")
      .put("message", switch (outcome.status()) {
        case PROCESSED -> "Webhook processed successfully";
        case DUPLICATE -> "Webhook already received; nothing changed";
        case STALE -> "Webhook stored; a newer event for this payment was already applied";
        case IGNORED -> "Webhook stored; its event type is not processed";
        case QUEUED -> "Webhook stored; processing failed and will be retried";
        case DEAD -> "Webhook stored; processing failed and waits for an operator's replay";
        case CONFLICT -> "Event id already received with a different payload";
      })
      .put("eventId", outcome.eventId())
      .put("eventType", type)
      .put("paymentId", outcome.externalId())
      .put("processingTimeMs", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - receivedNanos))
      .put("timestamp", Instant.now().toString());
  }
}
