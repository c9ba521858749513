package io.webhookinbox.load;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * (e) Operators at work while (a) runs: statistics for the last day, the newest events, a filtered search and its
 * next page, one event's details. Ingest at inbox.rate (default 50/s), operators at inbox.readRate (default 2/s,
 * five operators with tokens of their own), for inbox.seconds (default 60). Operator reads must stay under
 * inbox.readP99Ms (default 2000).
 */
public class OperatorsSimulation extends Simulation {
  private final LoadSettings settings = LoadSettings.load(50, 60);
  private final double readRate = Double.parseDouble(System.getProperty("inbox.readRate", "2"));
  private final int readP99Ms = Integer.getInteger("inbox.readP99Ms", 2000);
  private final List<String> readTokens = IntStream.range(0, 5).mapToObj(i -> settings.readToken("load-operator-" + i)).toList();

  private final ScenarioBuilder operators = scenario("Operators reading")
    .feed(Stream.generate(() -> Map.<String, Object>of(
      "readToken", readTokens.get((int) (Math.random() * readTokens.size())),
      "from", Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString())).iterator())
    .group("operators").on(
      exec(http("GET statistics").get("/api/webhooks/statistics?startDate=#{from}")
        .header("Authorization", "Bearer #{readToken}")
        .check(status().is(200), jsonPath("$.data.totalEvents").ofLong().gte(0L)))
      .exec(http("GET events (newest)").get("/api/webhooks/events?limit=50")
        .header("Authorization", "Bearer #{readToken}")
        .check(status().is(200), jsonPath("$.data.events[0].eventId").optional().saveAs("someEvent")))
      .exec(http("GET events (search)").get("/api/webhooks/events?status=processed&source=cisive&limit=20")
        .header("Authorization", "Bearer #{readToken}")
        .check(status().is(200), jsonPath("$.data.nextCursor").optional().saveAs("cursor")))
      .exec(doIf(session -> session.contains("cursor") && session.getString("cursor") != null).then(
        exec(http("GET events (next page)").get("/api/webhooks/events?status=processed&source=cisive&limit=20&cursor=#{cursor}")
          .header("Authorization", "Bearer #{readToken}").check(status().is(200)))))
      .exec(doIf(session -> session.contains("someEvent")).then(
        exec(http("GET event details").get("/api/webhooks/events/#{someEvent}")
          .header("Authorization", "Bearer #{readToken}").check(status().is(200))))));

  {
    setUp(CisiveLoad.steady(settings).injectOpen(constantUsersPerSec(settings.rate).during(settings.duration)),
      operators.injectOpen(constantUsersPerSec(readRate).during(settings.duration)))
      .protocols(settings.protocol())
      .maxDuration(settings.maxDuration())
      .assertions(Stream.concat(Stream.of(settings.assertions()),
        Stream.of(details("operators").responseTime().percentile(99.0).lt(readP99Ms))).toList());
  }
}
