package io.webhookinbox.load;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * Cisive order events at a fixed arrival rate from 20 senders (tokens of their own), every tenth delivery a
 * re-send of an earlier event, as senders retry. Loopback only; bounded by rate × duration and by maxDuration.
 * Properties: inbox.url, inbox.jwtSecret, inbox.issuer, inbox.audience, inbox.rate (events/s), inbox.seconds.
 */
public class IngestSimulation extends Simulation {
  private static final int SENDERS = 20;
  private final String baseUrl = System.getProperty("inbox.url", "http://127.0.0.1:18080");
  private final int rate = Integer.getInteger("inbox.rate", 300);
  private final int seconds = Integer.getInteger("inbox.seconds", 60);
  private final List<String> tokens = IntStream.range(0, SENDERS).mapToObj(i -> token("load-sender-" + i)).toList();
  private final AtomicLong sequence = new AtomicLong();

  private final Iterator<Map<String, Object>> deliveries = Stream.generate(() -> {
    long n = sequence.incrementAndGet();
    // Every tenth delivery repeats an earlier event byte for byte: it must come back as a duplicate.
    long event = n % 10 == 0 && n > 20 ? n - 17 : n;
    return Map.<String, Object>of("eventId", "evt-load-" + event, "orderId", "ORD-LOAD-" + (event / 3),
      "occurredAt", Instant.ofEpochSecond(1_790_000_000L + event).toString(), "token", tokens.get((int) (n % SENDERS)));
  }).iterator();

  private final ScenarioBuilder deliver = scenario("Cisive order events")
    .feed(deliveries)
    .exec(http("POST /api/webhooks/cisive/orders")
      .post("/api/webhooks/cisive/orders")
      .header("Authorization", "Bearer #{token}")
      .header("Content-Type", "application/json")
      .body(StringBody("""
        {"eventId":"#{eventId}","eventType":"OrderUpdated","occurredAt":"#{occurredAt}","schemaVersion":"1.0",
         "order":{"externalOrderId":"#{orderId}","status":"InProgress","packageCode":"PKG-STANDARD",
                  "candidate":{"firstName":"Load","lastName":"Tester","email":"load.tester@example.org"},
                  "services":[{"code":"CRIM","status":"Pending"},{"code":"EDU","status":"Complete"}]}}"""))
      .check(status().in(200, 202)));

  {
    String host = URI.create(baseUrl).getHost();
    if (!List.of("127.0.0.1", "localhost", "::1").contains(host)) {
      throw new IllegalArgumentException("Load tests target loopback only, not " + host);
    }
    HttpProtocolBuilder protocol = http.baseUrl(baseUrl).shareConnections().maxConnectionsPerHost(64);
    setUp(deliver.injectOpen(rampUsersPerSec(10).to(rate).during(10), constantUsersPerSec(rate).during(seconds)))
      .protocols(protocol)
      .maxDuration(Duration.ofSeconds(seconds + 40))
      .assertions(global().failedRequests().percent().lt(0.1), global().responseTime().percentile(95.0).lt(1000));
  }

  /** An HS256 JWT for the service's test secret, made here so the simulation needs nothing but the secret. */
  private static String token(String subject) {
    String header = base64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
    long now = Instant.now().getEpochSecond();
    String claims = base64("{\"sub\":\"" + subject + "\",\"scope\":\"webhooks:ingest\",\"iss\":\""
      + System.getProperty("inbox.issuer", "webhook-inbox-dev") + "\",\"aud\":\""
      + System.getProperty("inbox.audience", "webhook-inbox") + "\",\"iat\":" + now + ",\"exp\":" + (now + 3600) + "}");
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(System.getProperty("inbox.jwtSecret").getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] signature = mac.doFinal((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
      return header + "." + claims + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String base64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
