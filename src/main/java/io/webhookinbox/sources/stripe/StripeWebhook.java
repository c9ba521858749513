package io.webhookinbox.sources.stripe;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.webhookinbox.config.RuntimeSettings;
import io.webhookinbox.config.SourcesConfig;
import io.webhookinbox.api.AccessLogHandler;
import io.webhookinbox.api.ApiError;
import io.webhookinbox.api.CorrelationIdHandler;
import io.webhookinbox.api.ErrorCode;
import io.webhookinbox.api.JsonBodies;
import io.webhookinbox.security.RateLimiter;
import io.webhookinbox.security.ReceiveBudget;
import io.webhookinbox.api.SchemaValidator;
import io.webhookinbox.ingest.IngestClient;
import io.webhookinbox.ingest.IngestCommand;
import io.webhookinbox.ingest.IngestOutcome;
import io.webhookinbox.ingest.IngestResponses;
import io.webhookinbox.ingest.Payloads;
import io.webhookinbox.telemetry.LogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code POST /api/webhooks/events}: Stripe payment events. The signature is the authentication (no JWT), checked
 * over the raw bytes before anything is parsed. The event id is the idempotency key, so a replayed delivery is a
 * duplicate. Types this service does not process are stored as {@code ignored} and answered 200, since Stripe
 * keeps retrying anything else.
 */
public final class StripeWebhook {
  public static final String SOURCE = "stripe";
  public static final String PATH = "/api/webhooks/events";
  public static final String SCHEMA = "schemas/stripe-event.schema.json";
  public static final String DISPUTE_CREATED = "charge.dispute.created";
  static final Set<String> PROCESSED_TYPES = Set.of("payment_intent.succeeded", "payment_intent.payment_failed",
    "payment_intent.canceled", DISPUTE_CREATED);
  private static final String PRINCIPAL = "stripe-signature";
  private static final String SIGNATURE_KEY = "stripe.signature";
  private static final Logger LOG = LoggerFactory.getLogger(StripeWebhook.class);

  private final SchemaValidator schema;
  private final IngestClient ingest;
  private final RuntimeSettings settings;
  private final SourcesConfig sources;

  public StripeWebhook(SchemaValidator schema, IngestClient ingest, RuntimeSettings settings, SourcesConfig sources) {
    this.schema = schema;
    this.ingest = ingest;
    this.settings = settings;
    this.sources = sources;
  }

  /**
   * No token here: the signature is the authentication, and everything the headers can refuse is refused before
   * the body is read (a missing, malformed or stale signature, a client whose signatures keep failing, a wrong
   * content type, a declared length over the limit or the unauthenticated senders' share of the receive budget).
   * Failed signature checks are limited per client IP ({@code failedSignatures}), separately from verified
   * deliveries ({@code verified}), so a flood of junk signatures never makes Stripe's own deliveries wait.
   */
  public void mount(Router router, RateLimiter verified, RateLimiter failedSignatures, ReceiveBudget receiving,
                    long bodyLimitBytes, Handler<RoutingContext> capacity) {
    router.post(PATH).handler(failedSignatures.refuseWhenExhausted())
      .handler(ctx -> precheck(ctx, failedSignatures)).handler(JsonBodies.requireJson()).handler(receiving.reserve(true));
    router.post(PATH).handler(BodyHandler.create(false).setBodyLimit(bodyLimitBytes)).handler(capacity)
      .handler(ctx -> receive(ctx, verified, failedSignatures));
  }

  /** A Stripe event is applied only when this service processes its type and it names a payment intent. */
  static boolean applicable(String type, String paymentIntentId) {
    return PROCESSED_TYPES.contains(type) && paymentIntentId != null;
  }

  private void precheck(RoutingContext ctx, RateLimiter failedSignatures) {
    ingest.requireActive();
    if (settings.webhooks().signatureVerification()) {
      if (sources.stripeSecrets().isEmpty()) {
        throw ApiError.of(ErrorCode.SECRET_NOT_CONFIGURED);
      }
      StripeSignature.Header header = charged(ctx, failedSignatures, () -> StripeSignature.parse(
        ctx.request().getHeader(StripeSignature.HEADER), sources.stripeToleranceSeconds(),
        Instant.now().getEpochSecond()));
      ctx.put(SIGNATURE_KEY, header);
    }
    ctx.next();
  }

  private void receive(RoutingContext ctx, RateLimiter verifiedLimit, RateLimiter failedSignatures) {
    long receivedNanos = System.nanoTime();
    Buffer raw = ctx.body().buffer();
    byte[] bytes = raw == null ? new byte[0] : raw.getBytes();
    StripeSignature.Header header = ctx.get(SIGNATURE_KEY);
    // The setting may have changed since the headers were checked: what was checked then decides.
    boolean verified = header != null;
    if (verified) {
      charged(ctx, failedSignatures, () -> {
        StripeSignature.verify(header, bytes, sources.stripeSecrets());
        return null;
      });
    } else {
      LOG.warn("Stripe delivery accepted WITHOUT signature verification (webhooks.signatureVerification=false)");
    }
    verifiedLimit.check(ctx);
    JsonObject event = JsonBodies.parseObject(raw);
    schema.validate(event);
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
    boolean apply = applicable(type, paymentIntentId) && ingest.enabled(type);
    IngestCommand command = new IngestCommand(SOURCE, eventId, type, paymentIntentId,
      OffsetDateTime.ofInstant(Instant.ofEpochSecond(event.getLong("created")), ZoneOffset.UTC), apiVersion, event,
      raw.toString(StandardCharsets.UTF_8), Payloads.sha256Hex(bytes), apply, Instant.now(), receivedNanos,
      verified);
    ingest.submit(command, CorrelationIdHandler.get(ctx), PRINCIPAL)
      .onSuccess(outcome -> IngestResponses.respond(ctx, outcome, "paymentId", "paymentVersion",
        processingResponse(outcome, type, receivedNanos)))
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
