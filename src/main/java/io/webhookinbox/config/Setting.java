package io.webhookinbox.config;

import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * One setting, declared once next to the record that reads it: its dotted key, the environment variable that
 * overrides it, its default and range, its unit, one line of description and whether it changes while the service
 * runs. The loader, the validation messages, {@code conf/config.yaml} and the configuration reference
 * (src/site/markdown/operators/configuration.md) all come from these declarations ({@link Registry}).
 *
 * @param <T> Integer, Double, Boolean, String or List&lt;String&gt;
 */
public final class Setting<T> {
  /** How the value is written and checked. */
  public enum Kind { INTEGER, DECIMAL, FLAG, TEXT, LIST }

  private final String key;
  private final Kind kind;
  private final T defaultValue;
  private final double min;
  private final double max;
  private String env;
  private String unit = "";
  private String description = "";
  private boolean live;
  private boolean secret;
  private Function<String, String> productionCheck;

  private Setting(String key, Kind kind, T defaultValue, double min, double max) {
    this.key = key;
    this.kind = kind;
    this.defaultValue = defaultValue;
    this.min = min;
    this.max = max;
  }

  public static Setting<Integer> integer(String key, int defaultValue, int min, int max) {
    return new Setting<>(key, Kind.INTEGER, defaultValue, min, max);
  }

  public static Setting<Double> decimal(String key, double defaultValue, double min, double max) {
    return new Setting<>(key, Kind.DECIMAL, defaultValue, min, max);
  }

  public static Setting<Boolean> flag(String key, boolean defaultValue) {
    return new Setting<>(key, Kind.FLAG, defaultValue, 0, 0);
  }

  public static Setting<String> text(String key, String defaultValue) {
    return new Setting<>(key, Kind.TEXT, defaultValue, 0, 0);
  }

  /** A list, written as a YAML sequence or as one comma-separated string (the form environment variables take). */
  public static Setting<List<String>> list(String key, List<String> defaultValue) {
    return new Setting<>(key, Kind.LIST, List.copyOf(defaultValue), 0, 0);
  }

  /** The environment variable that overrides this key. */
  public Setting<T> env(String name) {
    this.env = name;
    return this;
  }

  public Setting<T> unit(String name) {
    this.unit = name;
    return this;
  }

  /** One line: what it does and, where it matters, what 0 or empty means. */
  public Setting<T> doc(String line) {
    this.description = line;
    return this;
  }

  /** Re-read while the service runs (config file rescans, operator overrides). */
  public Setting<T> live() {
    this.live = true;
    return this;
  }

  /**
   * A secret: never printed. {@code check} gives the problem with one value outside development (a placeholder,
   * too short), or null when it is fit for production.
   */
  public Setting<T> secret(Function<String, String> check) {
    this.secret = true;
    this.productionCheck = check;
    return this;
  }

  /** Reads this setting from a config tree ({@code root} holds the sections); the default when absent. */
  public T read(JsonObject root) {
    String[] parts = key.split("\\.");
    JsonObject node = root;
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < parts.length - 1; i++) {
      path.append(parts[i]);
      node = Json.section(node, parts[i], path.toString());
      path.append('.');
    }
    String prefix = path.toString();
    String name = parts[parts.length - 1];
    Object value = switch (kind) {
      case INTEGER -> Json.integer(node, prefix, name, (Integer) defaultValue, (int) min, (int) max);
      case DECIMAL -> Json.decimal(node, prefix, name, (Double) defaultValue, min, max);
      case FLAG -> Json.bool(node, prefix, name, (Boolean) defaultValue);
      case TEXT -> Json.string(node, prefix, name, (String) defaultValue);
      case LIST -> node.getValue(name) == null ? defaultValue : Json.strings(node, prefix, name);
    };
    @SuppressWarnings("unchecked")
    T typed = (T) value;
    return typed;
  }

  public String key() {
    return key;
  }

  public Kind kind() {
    return kind;
  }

  public T defaultValue() {
    return defaultValue;
  }

  /** The environment variable, or null when none overrides this key. */
  public String env() {
    return env;
  }

  public String unit() {
    return unit;
  }

  public String description() {
    return description;
  }

  public boolean isLive() {
    return live;
  }

  public boolean isSecret() {
    return secret;
  }

  /** The allowed range of a number ("1 to 65535"), else empty. */
  public String range() {
    return switch (kind) {
      case INTEGER -> (long) min + " to " + (long) max;
      case DECIMAL -> min + " to " + max;
      default -> "";
    };
  }

  /** The problem with {@code value} outside development, or null (and null for a setting that is not a secret). */
  String productionProblem(String value) {
    return productionCheck == null ? null : productionCheck.apply(value);
  }

  /** {@code key (ENV)}, or the key alone: how messages name a setting. */
  public String named() {
    return env == null ? key : key + " (" + env + ")";
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Setting<?> setting && setting.key.equals(key);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key);
  }

  @Override
  public String toString() {
    return key;
  }
}
