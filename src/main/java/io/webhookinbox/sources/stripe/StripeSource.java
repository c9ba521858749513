package io.webhookinbox.sources.stripe;

import io.vertx.core.json.JsonObject;
import io.webhookinbox.api.SchemaValidator;
import io.webhookinbox.config.AppConfig;
import io.webhookinbox.config.LimitsConfig.RateLimit;
import io.webhookinbox.config.ProductionSafety;
import io.webhookinbox.config.Setting;
import io.webhookinbox.security.RateLimiter;
import io.webhookinbox.source.Endpoint;
import io.webhookinbox.source.Resource;
import io.webhookinbox.source.Source;
import io.webhookinbox.source.SourceApplier;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Stripe payment events at {@code POST /api/webhooks/events}, authenticated by {@code Stripe-Signature} alone;
 * applied to {@code payments} by payment intent id.
 */
public final class StripeSource implements Source {
  public static final String NAME = "stripe";
  static final String SCHEMA = "sources/stripe/event.schema.json";
  /** Stripe's own secrets carry 32 random characters after {@code whsec_}. */
  static final int MIN_SECRET_CHARS = 24;

  static final Setting<List<String>> SECRETS = Setting.list("stripe.webhookSecrets", List.of())
    .env("STRIPE_WEBHOOK_SECRETS")
    .secret(secret -> {
      String random = secret.startsWith("whsec_") ? secret.substring("whsec_".length()) : secret;
      return random.length() < MIN_SECRET_CHARS || ProductionSafety.placeholder(random)
        ? "is a placeholder or shorter than " + MIN_SECRET_CHARS
          + " characters after whsec_: use the endpoint secret Stripe shows" : null;
    })
    .doc("Payment endpoint secrets (whsec_...); several = rotation; none = payment deliveries get 500 (5109)");
  static final Setting<Integer> TOLERANCE = Setting.integer("stripe.toleranceSeconds", 300, 1, 86_400)
    .env("STRIPE_TOLERANCE_SECONDS").unit("seconds").doc("Stripe-Signature timestamp window, both directions");
  static final RateLimit.Declared RATE = RateLimit.declare("limits.rate.stripe", 1000, 2000,
    "POST /api/webhooks/events with a verified signature, per client IP");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<EventType> eventTypes() {
    return List.of(new EventType("payment_intent.succeeded", true),
      new EventType("payment_intent.payment_failed", true), new EventType("payment_intent.canceled", true),
      new EventType(StripeWebhook.DISPUTE_CREATED, false));
  }

  @Override
  public List<Setting<?>> settings() {
    List<Setting<?>> settings = new ArrayList<>(List.of(SECRETS, TOLERANCE));
    settings.addAll(RATE.settings());
    return settings;
  }

  @Override
  public SourceApplier applier() {
    return new PaymentApplier();
  }

  @Override
  public String idField() {
    return "paymentId";
  }

  @Override
  public Resource resource() {
    return new Payments();
  }

  /** The payment's metadata as the event carried it, for {@code webhooks:admin} only: a sender can put anything there. */
  @Override
  public Object eventMetadata(JsonObject payload, boolean privileged) {
    if (!privileged) {
      return null;
    }
    Object data = payload.getValue("data");
    Object object = data instanceof JsonObject d ? d.getValue("object") : null;
    if (object instanceof JsonObject o && o.containsKey("metadata")) {
      return o.getValue("metadata");
    }
    return new JsonObject();
  }

  /**
   * What the payment view shows every reader (ids, amounts, statuses); metadata, billing details, emails and the
   * rest of the object stay masked.
   */
  @Override
  public Set<String> publicPayloadPaths() {
    return Set.of("id", "object", "type", "created", "api_version", "livemode", "data.object.id", "data.object.object",
      "data.object.amount", "data.object.currency", "data.object.status", "data.object.payment_intent",
      "data.object.created", "data.object.livemode", "data.object.reason");
  }

  @Override
  public Endpoint endpoint(AppConfig config) {
    JsonObject root = config.root();
    RateLimiter verified = new RateLimiter("stripe", RATE.read(root), config.limits().maxTrackedCallers(),
      config.limits().clientIpHeader());
    return new StripeWebhook(SchemaValidator.fromResource(SCHEMA), SECRETS.read(root), TOLERANCE.read(root),
      verified);
  }
}
