package io.webhookinbox.load;

import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * The ingestion benchmark behind src/bench/ingest-load.sh: Cisive order events at a fixed arrival rate from 20
 * senders (tokens of their own), every tenth delivery a re-send of an earlier event, as senders retry. Refusals at
 * capacity (503) are expected past the knee, so it tolerates a few and the script reports what PostgreSQL holds.
 * Properties as in {@link LoadSettings}; defaults 300/s for 60 s.
 *
 * <p>The 10 s ramp and the time at the full rate are two scenarios of one arrival schedule, their requests named
 * apart, so the report (and src/bench/throughput.sh) can tell the ramp's latency from the steady rate's.
 *
 * <p>{@code inbox.warmUpSeconds} (default 0) puts a warm-up before them: a ramp to the rate whose requests are silent,
 * left out of the report and its assertions. Gatling's own JVM starts cold, and on a machine it shares with the
 * service its JIT competes with the service for the cores; the warm-up's count and refusals are printed at the end.
 */
public class IngestSimulation extends Simulation {
  static final String AT_RATE = "POST /api/webhooks/cisive/orders";
  static final String RAMP = AT_RATE + " (ramp)";
  static final String WARM_UP = AT_RATE + " (load generator warm-up)";
  private static final int SENDERS = 20;
  private static final int RAMP_SECONDS = 10;
  private final LoadSettings settings = LoadSettings.load(300, 60);
  private final List<String> tokens = IntStream.range(0, SENDERS).mapToObj(i -> settings.ingestToken("load-sender-" + i)).toList();
  // Shared by the scenarios, so event numbers run on across the warm-up and the ramp into the full rate.
  private final AtomicLong sequence = new AtomicLong();
  private final Duration warmUp = Duration.ofSeconds(Long.getLong("inbox.warmUpSeconds", 0));
  private final AtomicLong warmUpSent = new AtomicLong();
  private final AtomicLong warmUpRefused = new AtomicLong();

  private Map<String, Object> nextDelivery() {
    long n = sequence.incrementAndGet();
    // Every tenth delivery repeats an earlier event byte for byte: it must come back as a duplicate.
    long event = n % 10 == 0 && n > 20 ? n - 17 : n;
    return Map.of("token", tokens.get((int) (n % SENDERS)), "body",
      CisiveLoad.body("evt-" + settings.runId + "-" + event, "OrderUpdated", Instant.ofEpochSecond(1_790_000_000L + event),
        "ORD-" + settings.runId + "-" + (event / 3), "InProgress"));
  }

  private ScenarioBuilder deliveries(String scenario, String request) {
    return scenario(scenario)
      .exec(session -> session.setAll(nextDelivery()))
      .exec(CisiveLoad.post(request).check(status().in(200, 202)));
  }

  /** Not in the report (silent); counted, and printed when the run ends. */
  private ScenarioBuilder warmUpDeliveries() {
    return scenario("Load generator warm-up")
      .exec(session -> session.setAll(nextDelivery()))
      .exec(CisiveLoad.post(WARM_UP).silent().check(status().saveAs("status")))
      .exec(session -> {
        warmUpSent.incrementAndGet();
        int status = session.contains("status") ? session.getInt("status") : 0;
        if (status != 200 && status != 202) {
          warmUpRefused.incrementAndGet();
        }
        return session;
      });
  }

  @Override
  public void after() {
    if (!warmUp.isZero()) {
      System.out.println("load generator warm-up (not in the report): " + warmUpSent.get() + " requests, "
        + warmUpRefused.get() + " refused or failed");
    }
  }

  {
    int rate = (int) settings.rate;
    Duration ramp = Duration.ofSeconds(RAMP_SECONDS);
    List<PopulationBuilder> populations = new ArrayList<>(List.of(
      deliveries("Cisive order events, ramp", RAMP).injectOpen(nothingFor(warmUp), rampUsersPerSec(10).to(rate).during(ramp)),
      deliveries("Cisive order events, full rate", AT_RATE)
        .injectOpen(nothingFor(warmUp.plus(ramp)), constantUsersPerSec(rate).during(settings.duration))));
    if (!warmUp.isZero()) {
      populations.add(warmUpDeliveries().injectOpen(rampUsersPerSec(10).to(rate).during(warmUp)));
    }
    setUp(populations)
      .protocols(settings.protocol())
      .maxDuration(settings.duration.plus(warmUp).plus(Duration.ofSeconds(40)))
      .assertions(global().failedRequests().percent().lt(0.1), global().responseTime().percentile(95.0).lt(1000),
        details(AT_RATE).failedRequests().percent().lt(0.1), details(AT_RATE).responseTime().percentile(99.0).lt(1000));
  }
}
