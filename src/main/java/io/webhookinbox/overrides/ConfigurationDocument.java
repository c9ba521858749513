package io.webhookinbox.overrides;

import io.webhookinbox.config.InvalidSetting;
import io.webhookinbox.config.RuntimeSettings;
import io.webhookinbox.config.WebhookSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.webhookinbox.api.ApiError;
import io.webhookinbox.api.ErrorCode;
import io.webhookinbox.api.FieldError;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The configuration as the API shows and accepts it: {@code endpointUrl, enabledEvents, apiVersion,
 * signatureVerification, timeoutSeconds, maxRetries, status} plus {@code retry} and {@code scheduler} settings,
 * mapped onto the run-time sections ({@code maxRetries} is {@code retry.maxAttempts}).
 */
public final class ConfigurationDocument {
  /** API field → "section.key" in the run-time settings, in the guide's order (GET shows them so). */
  private static final Map<String, String> TOP_LEVEL = inOrder(List.of(
    Map.entry("endpointUrl", "webhooks.endpointUrl"),
    Map.entry("enabledEvents", "webhooks.enabledEvents"),
    Map.entry("apiVersion", "webhooks.apiVersion"),
    Map.entry("signatureVerification", "webhooks.signatureVerification"),
    Map.entry("timeoutSeconds", "webhooks.timeoutSeconds"),
    Map.entry("maxRetries", "retry.maxAttempts"),
    Map.entry("status", "webhooks.status")));
  private static final Map<String, List<String>> NESTED = inOrder(List.of(
    Map.entry("retry", List.of("initialDelayMs", "multiplier", "maxDelayMs", "jitter")),
    Map.entry("scheduler", List.of("enabled", "pollIntervalMs", "batchSize", "leaseTimeoutMs"))));
  /** Shown by GET and ignored by PUT, so a GET body can be edited and sent back. */
  private static final Set<String> READ_ONLY = Set.of("sources", "lastChange");

  private ConfigurationDocument() {
  }

  /** The effective configuration with, for each value, where it came from. */
  public static JsonObject view(RuntimeSettings settings) {
    JsonObject settingsJson = settings.get().toJson();
    JsonObject document = new JsonObject();
    JsonObject sources = new JsonObject();
    TOP_LEVEL.forEach((field, path) -> {
      String[] parts = path.split("\\.");
      document.put(field, settingsJson.getJsonObject(parts[0]).getValue(parts[1]));
      sources.put(field, settings.sourceOf(parts[0], parts[1]));
    });
    NESTED.forEach((section, keys) -> {
      JsonObject values = new JsonObject();
      JsonObject origin = new JsonObject();
      for (String key : keys) {
        values.put(key, settingsJson.getJsonObject(section).getValue(key));
        origin.put(key, settings.sourceOf(section, key));
      }
      document.put(section, values);
      sources.put(section, origin);
    });
    return document.put("sources", sources);
  }

  /** A PUT body as override sections; unknown fields are a 400 naming them. */
  public static JsonObject toOverrides(JsonObject body) {
    JsonObject overrides = new JsonObject();
    for (String field : body.fieldNames()) {
      Object value = body.getValue(field);
      if (READ_ONLY.contains(field)) {
        continue;
      }
      if (TOP_LEVEL.containsKey(field)) {
        String[] parts = TOP_LEVEL.get(field).split("\\.");
        section(overrides, parts[0]).put(parts[1], value);
      } else if (NESTED.containsKey(field) && value instanceof JsonObject nested) {
        for (String key : nested.fieldNames()) {
          if (!NESTED.get(field).contains(key)) {
            throw invalid(ErrorCode.VALIDATION_FAILED, "/" + field + "/" + key, "unknown setting");
          }
          section(overrides, field).put(key, nested.getValue(key));
        }
      } else if (NESTED.containsKey(field)) {
        throw invalid(ErrorCode.VALIDATION_FAILED, "/" + field, "must be an object");
      } else {
        throw invalid(ErrorCode.VALIDATION_FAILED, "/" + field, "unknown setting");
      }
    }
    return overrides;
  }

  /**
   * A PUT body as the overrides it sets, checked as the settings would be (400 naming the field), unsafe values
   * refused: what the API and the console both save.
   */
  public static JsonObject checked(JsonObject body, RuntimeSettings settings) {
    JsonObject overrides = toOverrides(body);
    try {
      settings.preview(overrides);
    } catch (IllegalArgumentException e) {
      throw rejected(e);
    }
    refuseUnsafe(overrides);
    return overrides;
  }

  /**
   * What saving {@code body} would change, field by field ({@code field}, {@code from}, {@code to}), against the
   * configuration in force; fields read-only or unchanged are left out.
   */
  public static JsonArray changes(JsonObject body, RuntimeSettings settings) {
    JsonObject current = view(settings);
    JsonArray changes = new JsonArray();
    for (String field : body.fieldNames()) {
      if (READ_ONLY.contains(field)) {
        continue;
      }
      Object value = body.getValue(field);
      if (NESTED.containsKey(field) && value instanceof JsonObject nested) {
        for (String key : nested.fieldNames()) {
          Object was = current.getJsonObject(field).getValue(key);
          if (!same(was, nested.getValue(key))) {
            changes.add(new JsonObject().put("field", field + "." + key).put("from", was).put("to", nested.getValue(key)));
          }
        }
      } else if (!same(current.getValue(field), value)) {
        changes.add(new JsonObject().put("field", field).put("from", current.getValue(field)).put("to", value));
      }
    }
    return changes;
  }

  private static boolean same(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return Double.compare(x.doubleValue(), y.doubleValue()) == 0;
    }
    return java.util.Objects.equals(a, b);
  }

  /**
   * Refuses overrides that would switch signature checks off, however the value is spelt: a signature can be an
   * endpoint's only authentication, so only the config file (a developer machine) may drop it.
   */
  public static void refuseUnsafe(JsonObject overrides) {
    JsonObject webhooks = overrides.getJsonObject("webhooks");
    if (webhooks != null && webhooks.containsKey("signatureVerification")
      && !WebhookSettings.signaturesOn(webhooks.getValue("signatureVerification"))) {
      throw invalid(ErrorCode.VALIDATION_FAILED, "/signatureVerification",
        "cannot be switched off through the API; only in the config file, on a developer machine");
    }
  }

  /** Stored overrides without anything {@link #refuseUnsafe} would refuse (defence against a row written by hand). */
  public static JsonObject withoutUnsafe(JsonObject overrides) {
    try {
      refuseUnsafe(overrides);
      return overrides;
    } catch (ApiError | IllegalArgumentException unsafe) {
      JsonObject cleaned = overrides.copy();
      cleaned.getJsonObject("webhooks").remove("signatureVerification");
      return cleaned;
    }
  }

  /** Turns a settings check failure into a 400 on the API field it came from ({@code maxRetries} for retry.maxAttempts). */
  public static ApiError rejected(IllegalArgumentException failure) {
    if (failure instanceof WebhookSettings.UnsupportedEventType unsupported) {
      return invalid(ErrorCode.UNSUPPORTED_EVENT_TYPE, "/enabledEvents",
        "unsupported event type " + unsupported.type() + "; supported: " + unsupported.supported());
    }
    if (!(failure instanceof InvalidSetting setting)) {
      throw failure;
    }
    String field = TOP_LEVEL.entrySet().stream().filter(entry -> entry.getValue().equals(setting.key()))
      .map(Map.Entry::getKey).findFirst().map(name -> "/" + name).orElse("/" + setting.key().replace('.', '/'));
    return invalid(ErrorCode.VALIDATION_FAILED, field, setting.reason());
  }

  private static JsonObject section(JsonObject overrides, String name) {
    JsonObject section = overrides.getJsonObject(name);
    if (section == null) {
      section = new JsonObject();
      overrides.put(name, section);
    }
    return section;
  }

  private static ApiError invalid(ErrorCode code, String field, String reason) {
    return new ApiError(code, "Configuration rejected", List.of(new FieldError(field, reason)));
  }

  /** An unmodifiable map that keeps its entries' order ({@code Map.of} changes it from one JVM to the next). */
  private static <V> Map<String, V> inOrder(List<Map.Entry<String, V>> entries) {
    Map<String, V> map = new LinkedHashMap<>();
    entries.forEach(entry -> map.put(entry.getKey(), entry.getValue()));
    return Collections.unmodifiableMap(map);
  }
}
