package io.webhookinbox.monitoring;

import io.webhookinbox.support.ExternalTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert rules in k8s/monitoring: their shape, a runbook paragraph for each in the README, and promtool's checks
 * and unit tests (src/test/resources/prometheus/alerts-test.yaml), which must cover every alert firing and quiet.
 */
class AlertRulesTest {
  private static final Set<String> ALERTS = Set.of("WebhookInboxDeadLetters", "WebhookInboxRetryBacklogGrowing",
    "WebhookInboxStaleRatioHigh", "WebhookInboxServerErrors", "WebhookInboxRefusing", "WebhookInboxLatencyHigh",
    "WebhookInboxReadinessFlapping", "WebhookInboxDatabasePoolSaturated", "WebhookInboxNoEventsReceived",
    "WebhookInboxMaintenanceBehind", "WebhookInboxJwksFailing", "WebhookInboxUnfinishedBeyondRetention");

  @Test
  @SuppressWarnings("unchecked")
  void isAPrometheusRuleWithOneAlertPerConditionEachWithSeverityAndRunbook() throws IOException {
    Map<String, Object> resource = AlertRules.resource();
    assertThat(resource.get("apiVersion")).isEqualTo("monitoring.coreos.com/v1");
    assertThat(resource.get("kind")).isEqualTo("PrometheusRule");
    assertThat((Map<String, Object>) resource.get("metadata")).containsEntry("name", "webhook-inbox");
    assertThat(AlertRules.rules()).extracting(rule -> rule.get("alert")).containsExactlyInAnyOrderElementsOf(ALERTS);

    String readme = Files.readString(Path.of("README.md"));
    assertThat(readme).contains("\n### Alerts\n");
    String alertsSection = readme.substring(readme.indexOf("### Alerts"));
    for (Map<String, Object> rule : AlertRules.rules()) {
      String alert = (String) rule.get("alert");
      assertThat(rule.keySet()).as(alert).isSubsetOf("alert", "expr", "for", "labels", "annotations");
      assertThat((Map<String, String>) rule.get("labels")).as(alert).containsOnlyKeys("severity")
        .extractingByKey("severity").isIn("warning", "critical");
      Map<String, String> annotations = (Map<String, String>) rule.get("annotations");
      assertThat(annotations).as(alert).containsOnlyKeys("summary", "description", "runbook");
      assertThat(annotations.get("runbook")).isEqualTo("README.md#" + alert.toLowerCase());
      assertThat(alertsSection).as("runbook paragraph for " + alert).contains("#### " + alert + "\n");
    }
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
