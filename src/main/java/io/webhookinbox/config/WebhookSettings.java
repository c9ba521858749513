package io.webhookinbox.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.List;
import java.util.Set;

/**
 * Settings of the webhook endpoints that operators change at run time (config file or API).
 *
 * @param enabledEvents event types that are applied; other known types are stored as {@code ignored}
 * @param apiVersion    the Stripe API version deliveries are expected in (a different one is accepted and logged)
 * @param signatureVerification whether Stripe deliveries must carry a valid {@code Stripe-Signature}
 * @param timeoutSeconds end-to-end budget of one delivery before the sender gets 503 (code 5111)
 * @param status        {@code active}, or {@code disabled}: deliveries are refused with 503 and Retry-After
 */
public record WebhookSettings(String endpointUrl, List<String> enabledEvents, String apiVersion,
                              boolean signatureVerification, int timeoutSeconds, String status) {
  public static final List<String> SUPPORTED_EVENTS = List.of("OrderCreated", "OrderUpdated",
    "payment_intent.succeeded", "payment_intent.payment_failed", "payment_intent.canceled",
    "charge.dispute.created");
  public static final List<String> DEFAULT_ENABLED = SUPPORTED_EVENTS.subList(0, 5);
  public static final Set<String> STATUSES = Set.of("active", "disabled");

  public static WebhookSettings from(JsonObject json) {
    String p = "webhooks.";
    List<String> enabled = json.containsKey("enabledEvents") ? Json.strings(json, p, "enabledEvents") : DEFAULT_ENABLED;
    for (String type : enabled) {
      if (!SUPPORTED_EVENTS.contains(type)) {
        throw new UnsupportedEventType(type);
      }
    }
    String endpointUrl = Json.string(json, p, "endpointUrl", "").trim();
    if (!endpointUrl.isEmpty() && !isHttpUrl(endpointUrl)) {
      throw new InvalidSetting(p + "endpointUrl", "must be an absolute http(s) URL");
    }
    String status = Json.string(json, p, "status", "active");
    if (!STATUSES.contains(status)) {
      throw new InvalidSetting(p + "status", "must be one of " + STATUSES.stream().sorted().toList());
    }
    return new WebhookSettings(endpointUrl, List.copyOf(enabled), Json.string(json, p, "apiVersion", "2024-06-20"),
      Json.bool(json, p, "signatureVerification", true),
      Json.integer(json, p, "timeoutSeconds", 10, 1, 300), status);
  }

  public boolean enabled(String eventType) {
    return enabledEvents.contains(eventType);
  }

  public boolean active() {
    return "active".equals(status);
  }

  public JsonObject toJson() {
    return new JsonObject().put("endpointUrl", endpointUrl).put("enabledEvents", new JsonArray(enabledEvents))
      .put("apiVersion", apiVersion).put("signatureVerification", signatureVerification)
      .put("timeoutSeconds", timeoutSeconds).put("status", status);
  }

  private static boolean isHttpUrl(String value) {
    try {
      URI uri = URI.create(value);
      return uri.isAbsolute() && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        && uri.getHost() != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** An event type this service cannot process was asked for (error code 5112 at the API). */
  public static final class UnsupportedEventType extends IllegalArgumentException {
    private final String type;

    public UnsupportedEventType(String type) {
      super("webhooks.enabledEvents: unsupported event type " + type + "; supported: " + SUPPORTED_EVENTS);
      this.type = type;
    }

    public String type() {
      return type;
    }
  }
}
