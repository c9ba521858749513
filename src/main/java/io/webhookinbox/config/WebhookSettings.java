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
 * @param apiVersion    the API version a sender's deliveries are expected in (a different one is accepted and logged)
 * @param signatureVerification whether deliveries authenticated by their signature alone must carry a valid one
 * @param timeoutSeconds end-to-end budget of one delivery before the sender gets 503 (code 5111)
 * @param status        {@code active}, or {@code disabled}: deliveries are refused with 503 and Retry-After
 */
public record WebhookSettings(String endpointUrl, List<String> enabledEvents, String apiVersion,
                              boolean signatureVerification, int timeoutSeconds, String status) {
  public static final Set<String> STATUSES = Set.of("active", "disabled");
  static final Setting<String> ENDPOINT_URL = Setting.text("webhooks.endpointUrl", "").live()
    .doc("The public URL senders are given (shown by the configuration API)");
  static final Setting<String> API_VERSION = Setting.text("webhooks.apiVersion", "2024-06-20").live()
    .doc("Payment events' API version expected; others are accepted and logged");
  static final Setting<Boolean> SIGNATURE_VERIFICATION = Setting.flag("webhooks.signatureVerification", true).live()
    .doc("Signature required where it is the only authentication (off only on a developer machine)");
  static final Setting<Integer> TIMEOUT = Setting.integer("webhooks.timeoutSeconds", 10, 1, 300)
    .env("PROCESSING_TIMEOUT_SECONDS").unit("seconds").live()
    .doc("End-to-end budget of one delivery (and of each database call); then 503 (5111)");
  static final Setting<String> STATUS = Setting.text("webhooks.status", "active").live()
    .doc("active, or disabled: deliveries get 503 with Retry-After");

  static List<Setting<?>> settings(Setting<List<String>> enabledEvents) {
    return List.of(ENDPOINT_URL, enabledEvents, API_VERSION, SIGNATURE_VERIFICATION, TIMEOUT, STATUS);
  }

  /** @param runtime the run-time sections ({@code webhooks} among them) */
  static WebhookSettings from(JsonObject runtime, Registry registry) {
    Setting<List<String>> enabledSetting = registry.enabledEvents();
    List<String> enabled = enabledSetting.read(runtime);
    for (String type : enabled) {
      if (!registry.eventTypes().contains(type)) {
        throw new UnsupportedEventType(type, registry.eventTypes());
      }
    }
    String endpointUrl = ENDPOINT_URL.read(runtime).trim();
    if (!endpointUrl.isEmpty() && !isHttpUrl(endpointUrl)) {
      throw new InvalidSetting(ENDPOINT_URL.key(), "must be an absolute http(s) URL");
    }
    String status = STATUS.read(runtime);
    if (!STATUSES.contains(status)) {
      throw new InvalidSetting(STATUS.key(), "must be one of " + STATUSES.stream().sorted().toList());
    }
    return new WebhookSettings(endpointUrl, List.copyOf(enabled), API_VERSION.read(runtime),
      SIGNATURE_VERIFICATION.read(runtime), TIMEOUT.read(runtime), status);
  }

  /** Whether a {@code webhooks.signatureVerification} value, however spelt, keeps signature checks on. */
  public static boolean signaturesOn(Object value) {
    return SIGNATURE_VERIFICATION.read(new JsonObject().put("webhooks",
      new JsonObject().put("signatureVerification", value)));
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

  /** An event type no source knows was asked for (error code 5112 at the API). */
  public static final class UnsupportedEventType extends IllegalArgumentException {
    private final String type;
    private final List<String> supported;

    UnsupportedEventType(String type, List<String> supported) {
      super("webhooks.enabledEvents: unsupported event type " + type + "; supported: " + supported);
      this.type = type;
      this.supported = List.copyOf(supported);
    }

    public String type() {
      return type;
    }

    public List<String> supported() {
      return supported;
    }
  }
}
