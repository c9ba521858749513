package io.webhookinbox.load;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * (c) Hot orders: OrderUpdated events concentrated on inbox.orders orders (default 5), with occurredAt scattered
 * ±30 s around now so they arrive out of order (200 processed, or 200 stale when older than what the order holds).
 * Afterwards each order must hold the newest event that was accepted for it (read with inbox.readToken or a
 * minted webhooks:read token). inbox.rate (default 50/s) for inbox.seconds (default 60).
 */
public class HotOrdersSimulation extends Simulation {
  private final LoadSettings settings = LoadSettings.load(50, 60);
  private final int orders = Integer.getInteger("inbox.orders", 5);
  private final List<String> tokens = CisiveLoad.senderTokens(settings);
  private final AtomicLong sequence = new AtomicLong();
  /** Per order, the newest accepted event as (occurredAt, eventId): how the service orders events. */
  private final Map<String, String[]> newestAccepted = new ConcurrentHashMap<>();

  private final Iterator<Map<String, Object>> updates = Stream.generate(() -> {
    long n = sequence.incrementAndGet();
    String order = orderId(ThreadLocalRandom.current().nextInt(orders));
    // Microseconds (PostgreSQL's precision), so two events of one order practically never tie.
    Instant occurredAt = Instant.now().truncatedTo(ChronoUnit.MICROS)
      .plus(ThreadLocalRandom.current().nextLong(-30_000_000, 30_000_000), ChronoUnit.MICROS);
    String eventId = "evt-" + settings.runId + "-" + n;
    return Map.<String, Object>of("token", tokens.get((int) (n % CisiveLoad.SENDERS)), "order", order,
      "eventId", eventId, "occurredAt", occurredAt.toString(),
      "body", CisiveLoad.body(eventId, "OrderUpdated", occurredAt, order, "InProgress"));
  }).iterator();

  private final ScenarioBuilder hot = scenario("Updates on a few hot orders, out of order")
    .feed(updates)
    .exec(CisiveLoad.post("POST cisive (hot order)").check(status().is(200),
      jsonPath("$.data.status").in("processed", "stale").saveAs("outcome")))
    .exec(session -> {
      if (session.contains("outcome")) {
        accepted(session.getString("order"), Instant.parse(session.getString("occurredAt")), session.getString("eventId"));
      }
      return session;
    });

  private final ScenarioBuilder verify = scenario("Each hot order holds its newest accepted event")
    .feed(IntStream.range(0, orders).mapToObj(i -> Map.<String, Object>of("order", orderId(i))).iterator())
    .exec(http("GET order (converged)").get("/api/orders/#{order}")
      .header("Authorization", "Bearer " + settings.readToken("load-operator"))
      .check(status().is(200), jsonPath("$.data.lastEventId").is(session -> {
        String[] newest = newestAccepted.get(session.getString("order"));
        return newest == null ? "(nothing accepted)" : newest[1];
      })));

  private String orderId(int i) {
    return "ORD-HOT-" + settings.runId + "-" + i;
  }

  private void accepted(String order, Instant occurredAt, String eventId) {
    newestAccepted.merge(order, new String[] {occurredAt.toString(), eventId}, (a, b) ->
      compare(a, b) >= 0 ? a : b);
  }

  private static int compare(String[] a, String[] b) {
    int byTime = Instant.parse(a[0]).compareTo(Instant.parse(b[0]));
    return byTime != 0 ? byTime : a[1].compareTo(b[1]);
  }

  {
    setUp(hot.injectOpen(constantUsersPerSec(settings.rate).during(settings.duration))
        .andThen(verify.injectOpen(atOnceUsers(orders))))
      .protocols(settings.protocol())
      .maxDuration(settings.maxDuration())
      .assertions(settings.assertions());
  }
}
