package io.webhookinbox.load;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;

import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.responseTimeInMillis;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/** Cisive deliveries as senders make them, shared by the simulations. */
final class CisiveLoad {
  static final String PATH = "/api/webhooks/cisive/orders";
  static final int SENDERS = 10;

  private CisiveLoad() {
  }

  /** One order event; the same arguments always give the same bytes, so a re-send is a true duplicate. */
  static String body(String eventId, String eventType, Instant occurredAt, String orderId, String status) {
    return """
      {"eventId":"%s","eventType":"%s","occurredAt":"%s","schemaVersion":"1.0",
       "order":{"externalOrderId":"%s","status":"%s","packageCode":"PKG-STANDARD",
                "candidate":{"firstName":"Load","lastName":"Tester","email":"load.tester@example.org"},
                "services":[{"code":"CRIM","status":"Pending"},{"code":"EDU","status":"Complete"}]}}"""
      .formatted(eventId, eventType, occurredAt, orderId, status);
  }

  /** Tokens of SENDERS senders (each has its own rate limit, as real senders would). */
  static List<String> senderTokens(LoadSettings settings) {
    return IntStream.range(0, SENDERS).mapToObj(i -> settings.ingestToken("load-sender-" + i)).toList();
  }

  /** POST of the session's {@code body} with its {@code token}. */
  static HttpRequestActionBuilder post(String name) {
    return http(name).post(PATH)
      .header("Authorization", "Bearer #{token}")
      .header("Content-Type", "application/json")
      .body(StringBody("#{body}"));
  }

  /** Unique OrderCreated events, each applied once: 200 processed. */
  static ScenarioBuilder steady(LoadSettings settings) {
    return scenario("Steady unique Cisive events").exec(steadyDelivery(settings));
  }

  /** One unique OrderCreated delivery; its response time is kept in the session as {@code latency}. */
  static ChainBuilder steadyDelivery(LoadSettings settings) {
    List<String> tokens = senderTokens(settings);
    AtomicLong sequence = new AtomicLong();
    Iterator<Map<String, Object>> feeder = Stream.generate(() -> {
      long n = sequence.incrementAndGet();
      String id = "evt-" + settings.runId + "-" + n;
      return Map.<String, Object>of("token", tokens.get((int) (n % SENDERS)),
        "body", body(id, "OrderCreated", Instant.now(), "ORD-" + settings.runId + "-" + n, "Created"));
    }).iterator();
    return feed(feeder).exec(post("POST cisive (new)")
      .check(status().is(200), jsonPath("$.data.status").is("processed"), responseTimeInMillis().saveAs("latency")));
  }
}
