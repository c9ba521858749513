package io.webhookinbox.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The Grafana dashboard in k8s/monitoring. */
final class MonitoringFiles {
  static final Path DASHBOARD = Path.of("k8s/monitoring/webhook-inbox-dashboard.json");

  private MonitoringFiles() {
  }

  /** Every panel query, as Grafana would send it for a 1-minute rate window and all jobs. */
  static List<String> dashboardQueries() {
    try {
      List<String> queries = new ArrayList<>();
      for (JsonNode panel : new ObjectMapper().readTree(DASHBOARD.toFile()).path("panels")) {
        panel.path("targets").forEach(target -> queries.add(target.path("expr").asText()
          .replace("$__rate_interval", "1m").replace("\"$job\"", "\".*\"")));
      }
      return queries;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
