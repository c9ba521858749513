package io.webhookinbox.config;

import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The settings that change while the service runs, shared by the verticles of one process: {@code retry},
 * {@code scheduler} and {@code webhooks}. Layers, lowest first: built-in defaults, the config file (rescanned),
 * operator overrides (stored in PostgreSQL, shared by all replicas). A new layer that would make the effective
 * settings invalid is refused as a whole and the settings in force stay. Readers take one immutable snapshot per
 * decision, without locking.
 */
public final class RuntimeSettings {
  public static final List<String> SECTIONS = List.of("retry", "scheduler", "webhooks");
  static final String SIGNATURES_REQUIRED = "webhooks.signatureVerification may be false only in development"
    + " (embedded database): where a signature is an endpoint's only authentication it must be checked";

  /** One consistent set of effective settings. */
  public record Snapshot(RetryConfig retry, SchedulerConfig scheduler, WebhookSettings webhooks) {
    public JsonObject toJson() {
      return new JsonObject().put("retry", retry.toJson()).put("scheduler", scheduler.toJson())
        .put("webhooks", webhooks.toJson());
    }
  }

  private final AtomicReference<Snapshot> current = new AtomicReference<>();
  private final Registry registry;
  private final boolean signaturesRequired;
  private JsonObject fileLayer;
  private JsonObject overrideLayer = new JsonObject();

  /**
   * @param fileLayer          the runtime sections as the config file (and environment) gave them
   * @param registry           the settings and the event types the sources know
   * @param signaturesRequired outside development: a layer that would switch signature checks off is refused like
   *                           an invalid one (a live edit of the file included)
   */
  public RuntimeSettings(JsonObject fileLayer, Registry registry, boolean signaturesRequired) {
    this.registry = registry;
    this.signaturesRequired = signaturesRequired;
    this.fileLayer = sectionsOf(fileLayer);
    current.set(parse(merge(this.fileLayer, overrideLayer)));
  }

  /** Whether these runtime sections keep signature checks on. */
  static boolean signaturesRequiredMet(JsonObject runtime, Registry registry) {
    return new RuntimeSettings(runtime, registry, false).webhooks().signatureVerification();
  }

  public Registry registry() {
    return registry;
  }

  public Snapshot get() {
    return current.get();
  }

  public RetryConfig retry() {
    return current.get().retry();
  }

  public SchedulerConfig scheduler() {
    return current.get().scheduler();
  }

  public WebhookSettings webhooks() {
    return current.get().webhooks();
  }

  /** A new config file; throws (changing nothing) when the result would be invalid. Returns true if it changed. */
  public synchronized boolean applyFile(JsonObject config) {
    JsonObject newFile = sectionsOf(config);
    Snapshot next = parse(merge(newFile, overrideLayer));
    fileLayer = newFile;
    return !next.equals(current.getAndSet(next));
  }

  /** New operator overrides (the whole set); throws (changing nothing) when the result would be invalid. */
  public synchronized boolean applyOverrides(JsonObject overrides) {
    JsonObject newOverrides = sectionsOf(overrides);
    Snapshot next = parse(merge(fileLayer, newOverrides));
    overrideLayer = newOverrides;
    return !next.equals(current.getAndSet(next));
  }

  /** Validates overrides against the current file without applying them. */
  public synchronized Snapshot preview(JsonObject overrides) {
    return parse(merge(fileLayer, sectionsOf(overrides)));
  }

  /** Where each effective value came from: {@code override}, {@code file} or {@code default}. */
  public synchronized String sourceOf(String section, String key) {
    if (overrideLayer.getJsonObject(section, new JsonObject()).containsKey(key)) {
      return "override";
    }
    return fileLayer.getJsonObject(section, new JsonObject()).containsKey(key) ? "file" : "default";
  }

  private Snapshot parse(JsonObject merged) {
    Snapshot snapshot = new Snapshot(RetryConfig.from(merged), SchedulerConfig.from(merged),
      WebhookSettings.from(merged, registry));
    if (signaturesRequired && !snapshot.webhooks().signatureVerification()) {
      throw new InvalidSetting("webhooks.signatureVerification", SIGNATURES_REQUIRED.substring(
        "webhooks.signatureVerification ".length()));
    }
    return snapshot;
  }

  private static JsonObject merge(JsonObject lower, JsonObject upper) {
    return lower.copy().mergeIn(upper.copy(), true);
  }

  /** Only the runtime sections, each checked to be a mapping. */
  private static JsonObject sectionsOf(JsonObject config) {
    JsonObject sections = new JsonObject();
    for (String section : SECTIONS) {
      JsonObject value = Json.section(config, section);
      if (!value.isEmpty()) {
        sections.put(section, value.copy());
      }
    }
    return sections;
  }
}
