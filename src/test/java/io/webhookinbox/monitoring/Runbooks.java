package io.webhookinbox.monitoring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How an alert's runbook_url maps to its page. The rule holds the page's path in the documentation site
 * ({@value #PATH_PREFIX}<name>.html); k8s/monitoring/kustomization.yaml puts the site's address (its docs ConfigMap's
 * baseUrl) in front of it; the page itself is src/site/markdown/operators/runbooks/<name>.md.
 */
final class Runbooks {
  static final String PATH_PREFIX = "/operators/runbooks/";
  static final Path DIRECTORY = Path.of("src/site/markdown/operators/runbooks");
  static final Path MONITORING_GUIDE = Path.of("src/site/markdown/operators/monitoring.md");
  static final Path KUSTOMIZATION = Path.of("k8s/monitoring/kustomization.yaml");
  /** The five parts of every runbook page, in this order. */
  static final List<String> PARTS = List.of("## What fired", "## Why it matters", "## How to look", "## How to fix",
    "## How to verify");

  private Runbooks() {
  }

  @SuppressWarnings("unchecked")
  static String url(Map<String, Object> rule) {
    return ((Map<String, String>) rule.get("annotations")).get("runbook_url");
  }

  /** The page a runbook_url (as in the rule) names: the site's .html is the guide's .md. */
  static Path page(String url) {
    if (!url.startsWith(PATH_PREFIX) || !url.endsWith(".html")) {
      throw new AssertionError("not a runbook path of the site: " + url);
    }
    return DIRECTORY.resolve(url.substring(PATH_PREFIX.length(), url.length() - ".html".length()) + ".md");
  }

  /** WebhookInboxRetryBacklogGrowing's page is retry-backlog-growing. */
  static String slug(String alert) {
    return alert.replaceFirst("^WebhookInbox", "").replaceAll("(?<=.)(?=\\p{Upper})", "-").toLowerCase();
  }

  /** The site's address, from the kustomization's docs ConfigMap (literal baseUrl=…). */
  @SuppressWarnings("unchecked")
  static String baseUrl() {
    try {
      Map<String, Object> kustomization = AlertRules.YAML.readValue(KUSTOMIZATION.toFile(), Map.class);
      return ((List<Map<String, Object>>) kustomization.get("configMapGenerator")).stream()
        .filter(generator -> "webhook-inbox-docs".equals(generator.get("name")))
        .flatMap(generator -> ((List<String>) generator.get("literals")).stream())
        .filter(literal -> literal.startsWith("baseUrl=")).map(literal -> literal.substring("baseUrl=".length()))
        .findFirst().orElseThrow(() -> new AssertionError("no baseUrl literal in " + KUSTOMIZATION));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
