package io.webhookinbox.load;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.http.HttpProtocolBuilder;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.http.HttpDsl.http;

/**
 * What every simulation takes as -D properties (src/site/markdown/development/load-testing.md):
 * <ul>
 *   <li>{@code inbox.url}: base URL (default http://127.0.0.1:8080). Loopback only unless
 *       {@code inbox.allowRemote=true}, for a load tester pointing it at their own cluster.</li>
 *   <li>{@code inbox.rate} (arrivals per second), {@code inbox.seconds} (duration).</li>
 *   <li>Credentials: {@code inbox.token} / {@code inbox.readToken} as supplied bearer tokens, or
 *       {@code inbox.jwtSecret} (+ {@code inbox.issuer}, {@code inbox.audience}) to mint HS256 tokens here;
 *       {@code inbox.stripeSecret} for Stripe signatures.</li>
 *   <li>{@code inbox.p99Ms}: the p99 bound asserted (with no KO at all).</li>
 *   <li>{@code inbox.runId}: prefix of the event ids (default: unique per run), so runs never collide.</li>
 * </ul>
 */
final class LoadSettings {
  final String baseUrl = System.getProperty("inbox.url", "http://127.0.0.1:8080");
  final double rate;
  final Duration duration;
  final int p99Ms = Integer.getInteger("inbox.p99Ms", 1000);
  final String runId = System.getProperty("inbox.runId", Long.toString(System.currentTimeMillis(), 36));

  private LoadSettings(double defaultRate, long defaultSeconds) {
    rate = Double.parseDouble(System.getProperty("inbox.rate", String.valueOf(defaultRate)));
    duration = Duration.ofSeconds(Long.getLong("inbox.seconds", defaultSeconds));
    String host = URI.create(baseUrl).getHost();
    if (!List.of("127.0.0.1", "localhost", "::1", "[::1]").contains(host) && !Boolean.getBoolean("inbox.allowRemote")) {
      throw new IllegalArgumentException("inbox.url " + baseUrl + " is not loopback: pass -Dinbox.allowRemote=true to "
        + "load-test a deployment of your own");
    }
  }

  static LoadSettings load(double defaultRate, long defaultSeconds) {
    return new LoadSettings(defaultRate, defaultSeconds);
  }

  /** Gatling warms its HTTP engine up with a first request, by default to gatling.io: here, the service's liveness. */
  HttpProtocolBuilder protocol() {
    return http.baseUrl(baseUrl).warmUp(baseUrl + "/health/live").shareConnections().maxConnectionsPerHost(64).acceptHeader("application/json");
  }

  /** No KO at all, and p99 of every request under inbox.p99Ms. */
  Assertion[] assertions() {
    return new Assertion[] {global().failedRequests().count().is(0L), global().responseTime().percentile(99.0).lt(p99Ms)};
  }

  /** Hard stop: the injection ends by then whatever happens. */
  Duration maxDuration() {
    return duration.plusSeconds(60);
  }

  /** inbox.token, else an HS256 token minted with inbox.jwtSecret. */
  String ingestToken(String subject) {
    return token("inbox.token", subject, "webhooks:ingest");
  }

  /** inbox.readToken, else an HS256 token minted with inbox.jwtSecret. */
  String readToken(String subject) {
    return token("inbox.readToken", subject, "webhooks:read");
  }

  private static String token(String suppliedProperty, String subject, String scope) {
    String supplied = System.getProperty(suppliedProperty);
    if (supplied != null && !supplied.isBlank()) {
      return supplied;
    }
    String secret = System.getProperty("inbox.jwtSecret");
    if (secret == null || secret.isBlank()) {
      throw new IllegalArgumentException("set -D" + suppliedProperty + "=<bearer token> or -Dinbox.jwtSecret=<HS256 secret>");
    }
    long now = Instant.now().getEpochSecond();
    String header = base64Url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
    String claims = base64Url("{\"sub\":\"" + subject + "\",\"scope\":\"" + scope + "\",\"iss\":\""
      + System.getProperty("inbox.issuer", "webhook-inbox-dev") + "\",\"aud\":\""
      + System.getProperty("inbox.audience", "webhook-inbox") + "\",\"iat\":" + now + ",\"exp\":" + (now + 24 * 3600) + "}");
    byte[] signature = hmacSha256(secret, header + "." + claims);
    return header + "." + claims + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
  }

  /** A Stripe-Signature header for {@code body} signed now with inbox.stripeSecret, exactly as Stripe signs. */
  static String stripeSignature(String body) {
    String secret = System.getProperty("inbox.stripeSecret");
    if (secret == null || secret.isBlank()) {
      throw new IllegalArgumentException("set -Dinbox.stripeSecret=<whsec_… endpoint secret>");
    }
    long t = Instant.now().getEpochSecond();
    return "t=" + t + ",v1=" + HexFormat.of().formatHex(hmacSha256(secret, t + "." + body));
  }

  private static byte[] hmacSha256(String key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String base64Url(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
