package io.webhookinbox.config;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting the service reads, the service's own and those its sources declare, and the event types the
 * sources apply (the values {@code webhooks.enabledEvents} accepts). Built once by the composition root.
 */
public final class Registry {
  private final List<Setting<?>> core;
  private final List<Setting<?>> ofSources;
  private final List<String> eventTypes;
  private final Setting<List<String>> enabledEvents;
  private final Map<String, Setting<?>> byKey = new LinkedHashMap<>();

  private Registry(List<Setting<?>> ofSources, List<String> eventTypes, List<String> enabledByDefault) {
    this.eventTypes = List.copyOf(eventTypes);
    this.enabledEvents = Setting.list("webhooks.enabledEvents", enabledByDefault).live()
      .doc("Event types applied; other known types are stored as ignored (replayable later)");
    List<Setting<?>> all = new ArrayList<>();
    all.addAll(HttpConfig.SETTINGS);
    all.addAll(ManagementConfig.SETTINGS);
    all.addAll(DatabaseConfig.SETTINGS);
    all.addAll(JwtConfig.SETTINGS);
    all.addAll(IngestConfig.SETTINGS);
    all.addAll(WebhookSettings.settings(enabledEvents));
    all.addAll(RetryConfig.SETTINGS);
    all.addAll(SchedulerConfig.SETTINGS);
    all.addAll(RetentionConfig.SETTINGS);
    all.addAll(AppConfig.SETTINGS);
    all.addAll(LimitsConfig.SETTINGS);
    all.addAll(TracingConfig.SETTINGS);
    all.addAll(ConsoleConfig.SETTINGS);
    this.core = List.copyOf(all);
    this.ofSources = List.copyOf(ofSources);
    for (Setting<?> setting : settings()) {
      if (byKey.put(setting.key(), setting) != null) {
        throw new IllegalStateException("setting declared twice: " + setting.key());
      }
    }
  }

  /**
   * @param ofSources        the settings the sources declare
   * @param eventTypes       every event type a source knows
   * @param enabledByDefault those applied unless configured otherwise
   */
  public static Registry of(List<Setting<?>> ofSources, List<String> eventTypes, List<String> enabledByDefault) {
    return new Registry(ofSources, eventTypes, enabledByDefault);
  }

  /** The service's own settings first, then the sources'. */
  public List<Setting<?>> settings() {
    List<Setting<?>> all = new ArrayList<>(core);
    all.addAll(ofSources);
    return all;
  }

  public Optional<Setting<?>> find(String key) {
    return Optional.ofNullable(byKey.get(key));
  }

  public List<String> eventTypes() {
    return eventTypes;
  }

  Setting<List<String>> enabledEvents() {
    return enabledEvents;
  }

  /** Environment variable → dotted key, in declaration order. */
  public Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    for (Setting<?> setting : settings()) {
      if (setting.env() != null) {
        env.put(setting.env(), setting.key());
      }
    }
    return env;
  }

  /**
   * A copy of {@code merged} (the file with vertx-config's env store on top, which puts each variable at the top
   * level) with every recognised variable moved to its key.
   */
  public JsonObject applyEnvironment(JsonObject merged) {
    JsonObject result = merged.copy();
    environment().forEach((env, key) -> {
      Object value = result.remove(env);
      if (value != null) {
        put(result, key, value);
      }
    });
    return result;
  }

  /** Problems with secrets outside development: each names the setting and which entry. */
  List<String> secretProblems(JsonObject root) {
    List<String> problems = new ArrayList<>();
    for (Setting<?> setting : settings()) {
      if (!setting.isSecret()) {
        continue;
      }
      Object value = setting.read(root);
      List<?> values = value instanceof List<?> list ? list : List.of(value);
      for (int i = 0; i < values.size(); i++) {
        String text = String.valueOf(values.get(i));
        String problem = text.isEmpty() ? null : setting.productionProblem(text);
        if (problem != null) {
          problems.add(setting.named() + (value instanceof List<?> ? " entry " + (i + 1) : "") + " " + problem);
        }
      }
    }
    return problems;
  }

  static void put(JsonObject root, String dottedKey, Object value) {
    String[] parts = dottedKey.split("\\.");
    JsonObject node = root;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonObject child = node.getJsonObject(parts[i]);
      if (child == null) {
        child = new JsonObject();
        node.put(parts[i], child);
      }
      node = child;
    }
    node.put(parts[parts.length - 1], value);
  }
}
