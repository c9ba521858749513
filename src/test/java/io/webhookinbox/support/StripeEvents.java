package io.webhookinbox.support;

import io.vertx.core.json.JsonObject;

/** Stripe events shaped as Stripe sends them (trimmed to what matters here, plus a field we never read). */
public final class StripeEvents {
  private StripeEvents() {
  }

  public static JsonObject paymentIntent(String eventId, String type, String paymentIntentId, String status,
                                         long created) {
    return event(eventId, type, created, new JsonObject()
      .put("id", paymentIntentId)
      .put("object", "payment_intent")
      .put("amount", 12_500)
      .put("currency", "gbp")
      .put("status", status)
      .put("receipt_email", CisiveEvents.EMAIL)
      .put("metadata", new JsonObject().put("orderRef", "ORD-77")));
  }

  public static JsonObject dispute(String eventId, String disputeId, String paymentIntentId, long created) {
    return event(eventId, "charge.dispute.created", created, new JsonObject()
      .put("id", disputeId)
      .put("object", "dispute")
      .put("payment_intent", paymentIntentId)
      .put("amount", 12_500)
      .put("currency", "gbp")
      .put("status", "needs_response")
      .put("reason", "fraudulent"));
  }

  /** The event envelope around {@code object}, as Stripe sends it. */
  private static JsonObject event(String eventId, String type, long created, JsonObject object) {
    return new JsonObject()
      .put("id", eventId)
      .put("object", "event")
      .put("api_version", "2024-06-20")
      .put("created", created)
      .put("livemode", false)
      .put("pending_webhooks", 1)
      .put("type", type)
      .put("data", new JsonObject().put("object", object));
  }
}
