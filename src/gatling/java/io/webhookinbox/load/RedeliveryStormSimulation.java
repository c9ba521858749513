package io.webhookinbox.load;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpRequestActionBuilder;

import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * (b) A redelivery storm: 30 % of deliveries re-send an earlier event byte for byte (must be 200 duplicate), and a
 * tenth of the arrivals send one new event three times at once (each 200; one processed, the others duplicates or
 * processed by whoever won). inbox.rate (default 50/s) for inbox.seconds (default 60).
 */
public class RedeliveryStormSimulation extends Simulation {
  private static final double RESEND_SHARE = 0.30;
  private final LoadSettings settings = LoadSettings.load(50, 60);
  private final List<String> tokens = CisiveLoad.senderTokens(settings);
  private final AtomicLong sequence = new AtomicLong();

  private String body(long n) {
    // occurredAt depends on n only, so a re-send carries the very same bytes.
    return CisiveLoad.body("evt-" + settings.runId + "-" + n, "OrderCreated", Instant.ofEpochSecond(1_790_000_000L + n),
      "ORD-" + settings.runId + "-" + n, "Created");
  }

  private Map<String, Object> delivery() {
    long newest = sequence.get();
    boolean resend = newest > 10 && ThreadLocalRandom.current().nextDouble() < RESEND_SHARE;
    long n = resend ? newest - ThreadLocalRandom.current().nextLong(1, Math.min(newest, 500)) : sequence.incrementAndGet();
    return Map.of("body", body(n), "token", tokens.get((int) (n % CisiveLoad.SENDERS)));
  }

  private final Iterator<Map<String, Object>> deliveries = Stream.generate(this::delivery).iterator();
  private final Iterator<Map<String, Object>> concurrentEvents = Stream.generate(() -> {
    long n = sequence.incrementAndGet();
    return Map.<String, Object>of("body", body(n), "token", tokens.get((int) (n % CisiveLoad.SENDERS)));
  }).iterator();

  private final ScenarioBuilder storm = scenario("Deliveries, 30 % re-sent")
    .feed(deliveries)
    .exec(CisiveLoad.post("POST cisive (new or re-sent)")
      .check(status().is(200), jsonPath("$.data.status").in("processed", "duplicate")));

  // The page request is only the trigger: its resources, three identical POSTs, go out concurrently.
  private final ScenarioBuilder concurrent = scenario("One event sent three times at once")
    .feed(concurrentEvents)
    .exec(http("GET /health/live").get("/health/live").check(status().is(200))
      .resources(concurrentCopy(), concurrentCopy(), concurrentCopy()));

  private static HttpRequestActionBuilder concurrentCopy() {
    return CisiveLoad.post("POST cisive (concurrent copy)")
      .check(status().is(200), jsonPath("$.data.status").in("processed", "duplicate"));
  }

  {
    setUp(storm.injectOpen(constantUsersPerSec(settings.rate * 0.9).during(settings.duration)),
      concurrent.injectOpen(constantUsersPerSec(settings.rate * 0.1).during(settings.duration)))
      .protocols(settings.protocol())
      .maxDuration(settings.maxDuration())
      .assertions(settings.assertions());
  }
}
