package io.webhookinbox.load;

import io.gatling.app.Gatling$;
import io.webhookinbox.support.InboxExtension;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the load suite honest in CI: SteadyIngestSimulation runs for a few seconds against a real service on
 * loopback, its assertions (no KO, p99 bound) pass, it writes its HTML report, and every delivery it counted as OK
 * is a processed event in PostgreSQL; IngestSimulation, the benchmark's open model, runs its warm-up, its ramp and
 * two seconds at the rate. (The build compiles every simulation before this runs.)
 */
@ExtendWith(PostgresExtension.class)
class GatlingSmokeIT {
  private static final int RATE = 20;
  private static final int SECONDS = 5;
  /**
   * The p99 bound of this run: CI machines are shared (two cores, other builds), so this proves the suite runs and
   * asserts, not the service's speed; benchmarks measure that
   * (src/site/markdown/development/benchmarks.md).
   */
  private static final int P99_MS = 5000;
  @RegisterExtension
  static final InboxExtension inbox = new InboxExtension();

  @Test
  void steadySimulationPassesItsAssertionsAndEveryOkDeliveryIsStored() throws IOException {
    String runId = "smoke" + Long.toString(System.currentTimeMillis(), 36);
    Path report = run(SteadyIngestSimulation.class, runId, SECONDS);

    System.out.println("Gatling smoke report: " + report);
    // Exit status 0 means no KO (the simulation asserts it) among the RATE × SECONDS deliveries it injects.
    assertThat(inbox.db().count("SELECT count(*) FROM webhook_events WHERE event_id LIKE ? AND status = 'processed'",
      "evt-" + runId + "-%")).isEqualTo(RATE * SECONDS);
  }

  /**
   * The throughput benchmark reads the full rate's figures apart from the ramp's, both must be in the report, and
   * the load generator's warm-up before them must not be.
   */
  @Test
  void ingestSimulationReportsTheRampAndTheFullRateApartLeavesTheWarmUpOutAndStoresEveryEventOnce() throws IOException {
    String runId = "open" + Long.toString(System.currentTimeMillis(), 36);
    int seconds = 2;
    System.setProperty("inbox.warmUpSeconds", "2");
    Path report;
    try {
      report = run(IngestSimulation.class, runId, seconds);
    } finally {
      System.clearProperty("inbox.warmUpSeconds");
    }

    // The warm-up (2 s from 10/s to RATE) injects 30 deliveries, the ramp (10 s from 10/s to RATE) 150, the full
    // rate RATE × seconds; every tenth delivery after the twentieth re-sends an earlier event, not stored again.
    int warmUp = 30;
    int measured = 150 + RATE * seconds;
    assertThat(requestCounts(report)).containsExactlyInAnyOrderEntriesOf(Map.of("All Requests", measured,
      IngestSimulation.RAMP, 150, IngestSimulation.AT_RATE, RATE * seconds));
    int deliveries = warmUp + measured;
    int resends = (deliveries - 20) / 10;
    assertThat(inbox.db().count("SELECT count(*) FROM webhook_events WHERE event_id LIKE ? AND status IN"
      + " ('processed', 'stale')", "evt-" + runId + "-%")).isEqualTo(deliveries - resends);
  }

  /** The report's statistics table: each request name with its count of requests. */
  private static Map<String, Integer> requestCounts(Path report) throws IOException {
    Matcher row = Pattern.compile("class=\"ellipsed-name\">([^<]+)</span>.*?class=\"value total col-2\">(\\d+)<",
      Pattern.DOTALL).matcher(Files.readString(report));
    Map<String, Integer> counts = new HashMap<>();
    while (row.find()) {
      counts.put(row.group(1), Integer.valueOf(row.group(2)));
    }
    return counts;
  }

  /** Runs a simulation at RATE for {@code seconds}; asserts its assertions passed and returns its HTML report. */
  private static Path run(Class<?> simulation, String runId, int seconds) throws IOException {
    Map.of("inbox.url", "http://127.0.0.1:" + inbox.service().port(), "inbox.jwtSecret", TestService.SECRET,
      "inbox.issuer", TestService.ISSUER, "inbox.audience", TestService.AUDIENCE, "inbox.rate", String.valueOf(RATE),
      "inbox.seconds", String.valueOf(seconds), "inbox.runId", runId,
      "inbox.p99Ms", String.valueOf(P99_MS)).forEach(System::setProperty);
    Path results = Path.of("target/gatling-smoke", runId).toAbsolutePath();

    int status = Gatling$.MODULE$.fromArgs(new String[] {"--simulation", simulation.getName(),
      "--results-folder", results.toString()});

    assertThat(status).as("Gatling's exit status (assertions)").isZero();
    try (Stream<Path> files = Files.walk(results)) {
      return files.filter(file -> file.getFileName().toString().equals("index.html")).findFirst().orElseThrow();
    }
  }
}
