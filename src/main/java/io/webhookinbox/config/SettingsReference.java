package io.webhookinbox.config;

import io.vertx.core.json.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The registry written out: the configuration file with one comment per setting, and the reference table. Both are
 * generated, and tests compare the shipped files with them, so the file, its Kubernetes copy and the docs cannot
 * drift from what the service reads.
 */
public final class SettingsReference {
  private static final String HEADER = """
    # Webhook Inbox configuration, generated from the settings the service declares (the reference table lists
    # them with their environment variables). Sections retry, scheduler and webhooks are re-read while the service
    # runs: edit, save, and the next decision uses them (operator overrides through PUT /api/webhooks/configuration
    # win over this file). Everything else is read at start-up.
    """;

  private SettingsReference() {
  }

  /**
   * The configuration file: every setting at its default unless {@code values} gives another (keyed by setting
   * key), each with its description above it.
   */
  public static String yaml(Registry registry, Map<String, Object> values) {
    Node root = new Node();
    for (Setting<?> setting : registry.settings()) {
      String[] parts = setting.key().split("\\.");
      Node node = root;
      for (int i = 0; i < parts.length - 1; i++) {
        node = node.children.computeIfAbsent(parts[i], name -> new Node());
      }
      node.children.put(parts[parts.length - 1], new Node(setting));
    }
    StringBuilder out = new StringBuilder(HEADER);
    root.children.forEach((name, section) -> {
      out.append('\n');
      write(out, name, section, "", registry, values);
    });
    return out.toString();
  }

  private static void write(StringBuilder out, String name, Node node, String indent, Registry registry,
                            Map<String, Object> values) {
    if (node.setting == null) {
      out.append(indent).append(name).append(":\n");
      node.children.forEach((child, next) -> write(out, child, next, indent + "  ", registry, values));
      return;
    }
    Setting<?> setting = node.setting;
    out.append(indent).append("# ").append(comment(setting)).append('\n');
    Object value = values.containsKey(setting.key()) ? values.get(setting.key()) : setting.defaultValue();
    if (value instanceof List<?> list && setting.key().equals(registry.enabledEvents().key())) {
      // The known types all appear: those not enabled commented out, so enabling one is removing a '#'.
      out.append(indent).append(name).append(":\n");
      for (String type : registry.eventTypes()) {
        out.append(indent).append(list.contains(type) ? "  - " : "  # - ").append(type).append('\n');
      }
      return;
    }
    out.append(indent).append(name).append(": ").append(scalar(value)).append('\n');
  }

  private static String comment(Setting<?> setting) {
    List<String> facts = new ArrayList<>();
    if (!setting.unit().isEmpty()) {
      facts.add(setting.unit());
    }
    if (!setting.range().isEmpty()) {
      facts.add(setting.range());
    }
    if (setting.env() != null) {
      facts.add("env " + setting.env());
    }
    return setting.description() + (facts.isEmpty() ? "" : " [" + String.join("; ", facts) + "]");
  }

  private static String scalar(Object value) {
    if (value instanceof List<?> list) {
      return list.stream().map(item -> Json.encode(String.valueOf(item))).collect(Collectors.joining(", ", "[", "]"));
    }
    return value instanceof String text ? yamlString(text) : String.valueOf(value);
  }

  /** Plain when YAML reads it back as the same string (what ops type and grep for); quoted otherwise. */
  private static String yamlString(String text) {
    boolean plain = PLAIN.matcher(text).matches() && !YAML_WORDS.contains(text.toLowerCase(Locale.ROOT));
    return plain ? text : Json.encode(text);
  }

  private static final Pattern PLAIN = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]*");
  private static final Set<String> YAML_WORDS =
    Set.of("true", "false", "yes", "no", "on", "off", "null", "y", "n");

  /** The reference table (Markdown): key, environment variable, default, range and unit, live, description. */
  public static String markdownTable(Registry registry) {
    StringBuilder out = new StringBuilder("| Key | Environment variable | Default | Range, unit | Live | Description |\n"
      + "|---|---|---|---|---|---|\n");
    for (Setting<?> setting : registry.settings()) {
      String range = setting.range() + (setting.unit().isEmpty() ? "" : (setting.range().isEmpty() ? "" : " ")
        + setting.unit());
      out.append("| `").append(setting.key()).append("` | ")
        .append(setting.env() == null ? "" : "`" + setting.env() + "`").append(" | ")
        .append(markdownValue(setting.defaultValue())).append(" | ")
        .append(range).append(" | ")
        .append(setting.isLive() ? "yes" : "").append(" | ")
        .append(markdownText(setting.description())).append(" |\n");
    }
    return out.toString();
  }

  /** Prose in a table cell: a pipe would end the cell, and a {@code <} would open an HTML tag (whsec_<base64>). */
  private static String markdownText(String text) {
    return text.replace("|", "\\|").replace("<", "\\<");
  }

  private static String markdownValue(Object value) {
    String text = scalar(value);
    return text.equals("\"\"") || text.equals("[]") ? "empty" : "`" + text.replace("|", "\\|") + "`";
  }

  private static final class Node {
    private final Setting<?> setting;
    private final Map<String, Node> children = new LinkedHashMap<>();

    Node() {
      this(null);
    }

    Node(Setting<?> setting) {
      this.setting = setting;
    }
  }
}
