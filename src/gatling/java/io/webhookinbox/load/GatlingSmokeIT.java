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
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the load suite honest in CI: SteadyIngestSimulation runs for a few seconds against a real service on
 * loopback, its assertions (no KO, p99 bound) pass, it writes its HTML report, and every delivery it counted as OK
 * is a processed event in PostgreSQL. (The build compiles every simulation before this runs.)
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
    Map.of("inbox.url", "http://127.0.0.1:" + inbox.service().port(), "inbox.jwtSecret", TestService.SECRET,
      "inbox.issuer", TestService.ISSUER, "inbox.audience", TestService.AUDIENCE, "inbox.rate", String.valueOf(RATE),
      "inbox.seconds", String.valueOf(SECONDS), "inbox.runId", runId,
      "inbox.p99Ms", String.valueOf(P99_MS)).forEach(System::setProperty);
    Path results = Path.of("target/gatling-smoke", runId).toAbsolutePath();

    int status = Gatling$.MODULE$.fromArgs(new String[] {"--simulation", SteadyIngestSimulation.class.getName(),
      "--results-folder", results.toString()});

    assertThat(status).as("Gatling's exit status (assertions)").isZero();
    Path report;
    try (Stream<Path> files = Files.walk(results)) {
      report = files.filter(file -> file.getFileName().toString().equals("index.html")).findFirst().orElseThrow();
    }
    System.out.println("Gatling smoke report: " + report);
    // Exit status 0 means no KO (the simulation asserts it) among the RATE × SECONDS deliveries it injects.
    assertThat(inbox.db().count("SELECT count(*) FROM webhook_events WHERE event_id LIKE ? AND status = 'processed'",
      "evt-" + runId + "-%")).isEqualTo(RATE * SECONDS);
  }
}
