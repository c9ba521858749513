package io.webhookinbox.monitoring;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The PrometheusRule in k8s/monitoring, read as generic YAML, and its spec as the plain rule file promtool reads. */
final class AlertRules {
  static final Path RESOURCE = Path.of("k8s/monitoring/prometheusrule.yaml");
  static final Path UNIT_TESTS = Path.of("src/test/resources/prometheus/alerts-test.yaml");
  /** The name alerts-test.yaml gives its rule file. */
  static final String RULE_FILE = "webhook-inbox-rules.yaml";
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern METRIC = Pattern.compile("\\b((?:webhook|vertx|jvm)_[a-z_]+)");

  private AlertRules() {
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> resource() {
    try {
      return YAML.readValue(RESOURCE.toFile(), Map.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> groups() {
    return (List<Map<String, Object>>) ((Map<String, Object>) resource().get("spec")).get("groups");
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> rules() {
    return groups().stream().flatMap(group -> ((List<Map<String, Object>>) group.get("rules")).stream()).toList();
  }

  /** Writes the PrometheusRule's spec to {@code dir} as a Prometheus rule file, with the unit tests beside it. */
  static Path writeRuleFiles(Path dir) {
    try {
      Path rules = dir.resolve(RULE_FILE);
      YAML.writeValue(rules.toFile(), resource().get("spec"));
      Files.copy(UNIT_TESTS, dir.resolve(UNIT_TESTS.getFileName()));
      return rules;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The service's metric names a PromQL expression reads. */
  static Set<String> metricsIn(String expr) {
    Set<String> names = new TreeSet<>();
    Matcher matcher = METRIC.matcher(expr);
    while (matcher.find()) {
      names.add(matcher.group(1));
    }
    return names;
  }

  static Set<String> metricsUsed() {
    Set<String> names = new TreeSet<>();
    rules().forEach(rule -> names.addAll(metricsIn((String) rule.get("expr"))));
    return names;
  }
}
