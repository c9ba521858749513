package io.webhookinbox.monitoring;

import io.webhookinbox.support.ExternalTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert rules in k8s/monitoring: their shape, a runbook page for each in the operators' guide (runbook_url), and
 * promtool's checks and unit tests (src/test/resources/prometheus/alerts-test.yaml), which must cover every alert
 * firing and quiet.
 */
class AlertRulesTest {
  private static final Set<String> ALERTS = Set.of("WebhookInboxDeadLetters", "WebhookInboxRetryBacklogGrowing",
    "WebhookInboxStaleRatioHigh", "WebhookInboxServerErrors", "WebhookInboxRefusing", "WebhookInboxLatencyHigh",
    "WebhookInboxReadinessFlapping", "WebhookInboxDatabasePoolSaturated", "WebhookInboxNoEventsReceived",
    "WebhookInboxMaintenanceBehind", "WebhookInboxJwksFailing", "WebhookInboxUnfinishedBeyondRetention");

  @Test
  @SuppressWarnings("unchecked")
  void isAPrometheusRuleWithOneAlertPerConditionEachWithSeverityAndRunbook() {
    Map<String, Object> resource = AlertRules.resource();
    assertThat(resource.get("apiVersion")).isEqualTo("monitoring.coreos.com/v1");
    assertThat(resource.get("kind")).isEqualTo("PrometheusRule");
    assertThat((Map<String, Object>) resource.get("metadata")).containsEntry("name", "webhook-inbox");
    assertThat(AlertRules.rules()).extracting(rule -> rule.get("alert")).containsExactlyInAnyOrderElementsOf(ALERTS);

    for (Map<String, Object> rule : AlertRules.rules()) {
      String alert = (String) rule.get("alert");
      assertThat(rule.keySet()).as(alert).isSubsetOf("alert", "expr", "for", "labels", "annotations");
      assertThat((Map<String, String>) rule.get("labels")).as(alert).containsOnlyKeys("severity")
        .extractingByKey("severity").isIn("warning", "critical");
      Map<String, String> annotations = (Map<String, String>) rule.get("annotations");
      assertThat(annotations).as(alert).containsOnlyKeys("summary", "description", "runbook_url");
    }
  }

  /**
   * Each alert's runbook_url is its page's path in the documentation site; the page is a runbook of the five parts,
   * named after the alert, and every runbook page belongs to an alert.
   */
  @Test
  void everyRunbookUrlIsAPageWithTheFiveParts() throws IOException {
    Set<Path> pages = new TreeSet<>();
    for (Map<String, Object> rule : AlertRules.rules()) {
      String alert = (String) rule.get("alert");
      String url = Runbooks.url(rule);
      assertThat(url).as(alert).isEqualTo(Runbooks.PATH_PREFIX + Runbooks.slug(alert) + ".html");
      Path page = Runbooks.page(url);
      assertThat(page).as(alert + ": " + url).isRegularFile();
      pages.add(page);
      String text = Files.readString(page);
      assertThat(text).as(page + " title").startsWith("# " + alert + "\n");
      List<String> headings = text.lines().filter(line -> line.startsWith("## ")).toList();
      assertThat(headings).as(page + " parts").containsExactlyElementsOf(Runbooks.PARTS);
      for (String part : Runbooks.PARTS) {
        String body = text.substring(text.indexOf(part + "\n") + part.length()).split("\n## ", 2)[0];
        assertThat(body).as(page + ": " + part).isNotBlank();
      }
    }
    try (Stream<Path> files = Files.list(Runbooks.DIRECTORY)) {
      Set<Path> present = files.collect(Collectors.toCollection(TreeSet::new));
      assertThat(present).as("runbook pages without an alert").isEqualTo(pages);
    }
  }

  /** The operators' alert table names each alert with its severity and the same runbook page as its runbook_url. */
  @Test
  @SuppressWarnings("unchecked")
  void theMonitoringGuideListsEveryAlertWithItsRunbook() throws IOException {
    String guide = Files.readString(Runbooks.MONITORING_GUIDE);
    for (Map<String, Object> rule : AlertRules.rules()) {
      String alert = (String) rule.get("alert");
      String severity = ((Map<String, String>) rule.get("labels")).get("severity");
      String link = "(runbooks/" + Runbooks.page(Runbooks.url(rule)).getFileName() + ")";
      assertThat(guide.lines().filter(line -> line.startsWith("| `" + alert + "` | " + severity + " | ")))
        .as(alert + " in " + Runbooks.MONITORING_GUIDE).singleElement().asString().contains(link);
    }
  }

  /** The kustomization puts the site's address before every runbook_url, as kubectl renders it. */
  @Test
  @SuppressWarnings("unchecked")
  void theKustomizationTurnsRunbookPathsIntoAddressesOfTheSite(@TempDir Path dir) throws IOException {
    String base = Runbooks.baseUrl();
    assertThat(base).startsWith("https://").doesNotEndWith("/");
    Path kubectl = ExternalTools.require("kubectl", "kubernetes-client");
    ExternalTools.Result rendered = ExternalTools.run(dir, Duration.ofSeconds(60),
      List.of(kubectl.toString(), "kustomize", Path.of("k8s/monitoring").toAbsolutePath().toString()));
    assertThat(rendered.exit()).as(rendered.output()).isZero();
    List<Map<String, Object>> resources = new ArrayList<>();
    try (var parser = AlertRules.YAML.getFactory().createParser(rendered.output())) {
      AlertRules.YAML.readValues(parser, Map.class).forEachRemaining(resources::add);
    }
    assertThat(resources).extracting(resource -> ((Map<String, Object>) resource.get("metadata")).get("name"))
      .as("the docs ConfigMap is local-config: never applied").doesNotContain("webhook-inbox-docs");
    Map<String, Object> rule = resources.stream().filter(resource -> "PrometheusRule".equals(resource.get("kind")))
      .findFirst().orElseThrow();
    List<String> urls = ((List<Map<String, Object>>) ((Map<String, Object>) rule.get("spec")).get("groups")).stream()
      .flatMap(group -> ((List<Map<String, Object>>) group.get("rules")).stream()).map(Runbooks::url).toList();
    assertThat(urls).containsExactlyInAnyOrderElementsOf(
      AlertRules.rules().stream().map(r -> base + Runbooks.url(r)).toList());
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyAlertIsUnitTestedBothFiringAndQuiet() throws IOException {
    Map<String, Object> unitTests = AlertRules.YAML.readValue(AlertRules.UNIT_TESTS.toFile(), Map.class);
    assertThat((List<String>) unitTests.get("rule_files")).containsExactly(AlertRules.RULE_FILE);
    List<Map<String, Object>> cases = ((List<Map<String, Object>>) unitTests.get("tests")).stream()
      .flatMap(test -> ((List<Map<String, Object>>) test.get("alert_rule_test")).stream()).toList();
    Set<String> fired = cases.stream().filter(c -> !((List<?>) c.get("exp_alerts")).isEmpty())
      .map(c -> (String) c.get("alertname")).collect(Collectors.toSet());
    Set<String> quiet = cases.stream().filter(c -> ((List<?>) c.get("exp_alerts")).isEmpty())
      .map(c -> (String) c.get("alertname")).collect(Collectors.toSet());
    assertThat(fired).as("alerts shown firing").isEqualTo(ALERTS);
    assertThat(quiet).as("alerts shown quiet on a near miss").isEqualTo(ALERTS);
  }

  @Test
  void promtoolAcceptsTheRulesAndTheirUnitTestsPass(@TempDir Path dir) {
    Path promtool = ExternalTools.require("promtool", "prometheus");
    Path rules = AlertRules.writeRuleFiles(dir);

    ExternalTools.Result check = ExternalTools.run(dir, Duration.ofSeconds(60),
      List.of(promtool.toString(), "check", "rules", rules.toString()));
    assertThat(check.exit()).as(check.output()).isZero();
    assertThat(check.output()).contains("SUCCESS: " + ALERTS.size() + " rules found");

    ExternalTools.Result unitTests = ExternalTools.run(dir, Duration.ofSeconds(120),
      List.of(promtool.toString(), "test", "rules", AlertRules.UNIT_TESTS.getFileName().toString()));
    assertThat(unitTests.exit()).as(unitTests.output()).isZero();
    assertThat(unitTests.output()).contains("SUCCESS").doesNotContain("FAILED");
  }

  @Test
  @SuppressWarnings("unchecked")
  void theDashboardReadsTheSameMetrics() throws IOException {
    Map<String, Object> dashboard = AlertRules.YAML.readValue(MonitoringFiles.DASHBOARD.toFile(), Map.class);
    assertThat(dashboard.get("uid")).isEqualTo("webhook-inbox");
    List<String> queries = MonitoringFiles.dashboardQueries();
    assertThat(queries).hasSizeGreaterThanOrEqualTo(10);
    Set<String> read = queries.stream().flatMap(q -> AlertRules.metricsIn(q).stream()).collect(Collectors.toSet());
    assertThat(read).containsAll(AlertRules.metricsUsed());
  }
}
