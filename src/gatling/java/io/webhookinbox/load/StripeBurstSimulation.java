package io.webhookinbox.load;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * (d) A burst of Stripe payment events, each with a real Stripe-Signature (HMAC-SHA256 of "t.body" with
 * inbox.stripeSecret, signed when sent): from 1/s to inbox.rate (default 200/s) within 2 s, held for inbox.seconds
 * (default 20). Each is 200 processed.
 */
public class StripeBurstSimulation extends Simulation {
  private final LoadSettings settings = LoadSettings.load(200, 20);
  private final AtomicLong sequence = new AtomicLong();

  private final Iterator<Map<String, Object>> events = Stream.generate(() -> {
    long n = sequence.incrementAndGet();
    String body = """
      {"id":"evt_%1$s_%2$d","object":"event","api_version":"2024-06-20","created":%3$d,"livemode":false,
       "pending_webhooks":1,"type":"payment_intent.succeeded","data":{"object":{"id":"pi_%1$s_%2$d",
       "object":"payment_intent","amount":12500,"currency":"gbp","status":"succeeded","metadata":{"load":"true"}}}}"""
      .formatted(settings.runId, n, Instant.now().getEpochSecond());
    return Map.<String, Object>of("body", body);
  }).iterator();

  private final ScenarioBuilder burst = scenario("Stripe payment events, signed")
    .feed(events)
    .exec(session -> session.set("signature", LoadSettings.stripeSignature(session.getString("body"))))
    .exec(http("POST stripe").post("/api/webhooks/events")
      .header("Stripe-Signature", "#{signature}")
      .header("Content-Type", "application/json")
      .body(StringBody("#{body}"))
      .check(status().is(200), jsonPath("$.data.status").is("processed")));

  {
    setUp(burst.injectOpen(rampUsersPerSec(1).to(settings.rate).during(2),
        constantUsersPerSec(settings.rate).during(settings.duration)))
      .protocols(settings.protocol())
      .maxDuration(settings.maxDuration())
      .assertions(settings.assertions());
  }
}
