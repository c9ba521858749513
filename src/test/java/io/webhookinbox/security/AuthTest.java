package io.webhookinbox.security;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.TestDatabase;
import io.webhookinbox.support.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bearer tokens: every way a token can be wrong is a 401 that says why, a missing scope is a 403, and the
 * production key types (RS256, ES256 from PEM files) work next to the development HS256 secret.
 */
@ExtendWith({VertxExtension.class, PostgresExtension.class})
class AuthTest {
  private static TestService service;
  private static TestDatabase db;
  private static KeyPair rsa;
  private static KeyPair ec;
  private static Vertx clientVertx;

  @BeforeAll
  static void start(Vertx vertx, TestDatabase database, @TempDir Path keys) throws Exception {
    db = database;
    clientVertx = vertx;
    KeyPairGenerator rsaGenerator = KeyPairGenerator.getInstance("RSA");
    rsaGenerator.initialize(2048);
    rsa = rsaGenerator.generateKeyPair();
    KeyPairGenerator ecGenerator = KeyPairGenerator.getInstance("EC");
    ecGenerator.initialize(new ECGenParameterSpec("secp256r1"));
    ec = ecGenerator.generateKeyPair();
    Path rsaPem = Files.writeString(keys.resolve("rsa.pem"), pem("PUBLIC KEY", rsa.getPublic().getEncoded()));
    Path ecPem = Files.writeString(keys.resolve("ec.pem"), pem("PUBLIC KEY", ec.getPublic().getEncoded()));
    service = TestService.start(vertx, TestService.config(database, new JsonObject().put("jwt", new JsonObject()
      .put("publicKeys", new JsonArray().add(rsaPem.toString()).add("ec-key-1=" + ecPem)))));
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  @Test
  void missingHeaderIs401() {
    assertUnauthorized(post(null, null), "missing bearer token");
  }

  @Test
  void nonBearerSchemeIs401() {
    assertUnauthorized(post(null, Map.of("Authorization", "Basic dXNlcjpwYXNz")), "must be 'Bearer <token>'");
  }

  @Test
  void garbageTokenIs401() {
    assertUnauthorized(post("not-a-jwt", null), "token is not a JWT");
    assertUnauthorized(post("aaa.bbb.ccc", null), "token is invalid");
  }

  @Test
  void expiredTokenIs401() {
    String expired = service.sign(new JsonObject().put("scope", "webhooks:ingest")
      .put("exp", System.currentTimeMillis() / 1000 - 3600), "cisive", TestService.ISSUER, TestService.AUDIENCE, 0);
    assertUnauthorized(post(expired, null), "token expired");
  }

  @Test
  void tokenWithoutExpIs401() {
    String noExp = service.sign(new JsonObject().put("scope", "webhooks:ingest"), "cisive", TestService.ISSUER,
      TestService.AUDIENCE, 0);
    assertUnauthorized(post(noExp, null), "token has no exp claim");
  }

  @Test
  void signedTokenWithNonNumericTimeClaimsIs401() {
    long later = System.currentTimeMillis() / 1000 + 600;
    assertUnauthorized(post(hs256(standardClaims().put("exp", String.valueOf(later))), null),
      "token exp claim is not a number");
    assertUnauthorized(post(hs256(standardClaims().put("exp", later).put("nbf", "yesterday")), null),
      "token nbf claim is not a number");
    assertUnauthorized(post(hs256(standardClaims().put("exp", later).put("iat", new JsonObject())), null),
      "token iat claim is not a number");
  }

  @Test
  void tokenFromTheFutureIsNotValidYetRatherThanExpired() {
    long now = System.currentTimeMillis() / 1000;
    assertUnauthorized(post(hs256(standardClaims().put("exp", now + 7200).put("nbf", now + 3600)), null),
      "token is not valid yet (nbf)");
    assertUnauthorized(post(hs256(standardClaims().put("exp", now + 7200).put("iat", now + 3600)), null),
      "token is issued in the future (iat)");
    assertThat(post(hs256(standardClaims().put("exp", now + 600).put("nbf", now + 5).put("iat", now + 5)), null,
      CisiveEvents.created("evt-auth-nbf-skew", "ORD-AUTH-NBF")).statusCode()).as("within the leeway").isEqualTo(200);
  }

  @Test
  void tokenWithoutSubjectIs401() {
    String noSub = service.sign(new JsonObject().put("scope", "webhooks:ingest"), null, TestService.ISSUER,
      TestService.AUDIENCE, 300);
    assertUnauthorized(post(noSub, null), "token has no sub claim");
  }

  @Test
  void wrongIssuerOrAudienceIs401() {
    assertUnauthorized(post(service.sign(scopes("webhooks:ingest"), "cisive", "https://evil.test",
      TestService.AUDIENCE, 300), null), "token issuer is not accepted");
    assertUnauthorized(post(service.sign(scopes("webhooks:ingest"), "cisive", TestService.ISSUER,
      "someone-else", 300), null), "token audience is not accepted");
  }

  @Test
  void wrongSignatureIs401() {
    JWTAuth otherSecret = JWTAuth.create(clientVertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer("a-different-secret-of-enough-length")));
    assertUnauthorized(post(otherSecret.generateToken(scopes("webhooks:ingest"), standard()), null),
      "token signature or algorithm is not accepted");

    String valid = service.ingestToken();
    String tampered = valid.substring(0, valid.lastIndexOf('.') + 1) + "AAAA" + valid.substring(valid.lastIndexOf('.') + 5);
    assertUnauthorized(post(tampered, null), "token signature or algorithm is not accepted");
  }

  @Test
  void unsignedAlgNoneTokenIs401() {
    String header = base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}");
    String payload = base64Url(new JsonObject().put("sub", "attacker").put("scope", "webhooks:ingest")
      .put("iss", TestService.ISSUER).put("aud", TestService.AUDIENCE)
      .put("exp", System.currentTimeMillis() / 1000 + 300).encode());
    HttpResponse<Buffer> response = post(header + "." + payload + ".", null);
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(db.count("SELECT count(*) FROM webhook_events WHERE event_id = 'evt-auth-denied'")).isZero();
  }

  @Test
  void algorithmOffTheAllowListIsRefusedEvenWithTheRightSecret() {
    JWTAuth hs384 = JWTAuth.create(clientVertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS384").setBuffer(TestService.SECRET)));
    assertUnauthorized(post(hs384.generateToken(scopes("webhooks:ingest"), standard().setAlgorithm("HS384")), null),
      "token signature or algorithm is not accepted");
  }

  @Test
  void leewayForgivesSmallClockSkewOnly() {
    long now = System.currentTimeMillis() / 1000;
    String justExpired = ingestTokenExpiring(now - 2, "skewed");
    assertThat(post(justExpired, null, CisiveEvents.created("evt-auth-skew", "ORD-AUTH-SKEW")).statusCode())
      .isEqualTo(200);
    String longExpired = ingestTokenExpiring(now - 60, "skewed");
    assertUnauthorized(post(longExpired, null), "token expired");
  }

  /** A verticle remembers a verified token's signature, never its time claims: it expires as it would otherwise. */
  @Test
  void aTokenAcceptedBeforeIsRefusedOnceItExpires() {
    long now = System.currentTimeMillis() / 1000;
    // Accepted for about four more seconds: its exp plus the tests' 5 s leeway.
    String expiring = ingestTokenExpiring(now - 1, "expiring");
    assertThat(post(expiring, null, CisiveEvents.created("evt-auth-expiring-0", "ORD-AUTH-EXPIRING")).statusCode())
      .isEqualTo(200);
    int[] attempt = {0};
    await().atMost(Duration.ofSeconds(10)).until(() ->
      post(expiring, null, CisiveEvents.created("evt-auth-expiring-" + ++attempt[0], "ORD-AUTH-EXPIRING"))
        .statusCode() == 401);
    assertUnauthorized(post(expiring, null), "token expired");
  }

  @Test
  void scopeClaimNameIsConfigurable(Vertx vertx, TestDatabase database) {
    try (TestService scp = TestService.start(vertx, TestService.config(database, new JsonObject()
      .put("jwt", new JsonObject().put("scopeClaim", "scp"))))) {
      String token = scp.sign(new JsonObject().put("scp", new JsonArray().add("webhooks:ingest")), "scp-client",
        TestService.ISSUER, TestService.AUDIENCE, 300);
      assertThat(scp.postCisive(CisiveEvents.created("evt-auth-scp", "ORD-AUTH-SCP").toBuffer(), token, Map.of())
        .statusCode()).isEqualTo(200);
      assertThat(scp.postCisive(CisiveEvents.created("evt-auth-scp2", "ORD-AUTH-SCP2").toBuffer(), scp.ingestToken(),
        Map.of()).statusCode()).as("scope in the default claim is not read").isEqualTo(403);
    }
  }

  @Test
  void validTokenWithoutIngestScopeIs403() {
    HttpResponse<Buffer> response = post(service.token("reader", "webhooks:read"), null);
    assertThat(response.statusCode()).isEqualTo(403);
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getInteger("code")).isEqualTo(5103);
    assertThat(error.getJsonArray("fieldErrors").getJsonObject(0).getString("reason")).contains("webhooks:ingest");
    assertThat(db.count("SELECT count(*) FROM webhook_events WHERE event_id = 'evt-auth-denied'")).isZero();
  }

  @Test
  void scopesAsJsonArrayAreAccepted() {
    String token = service.sign(new JsonObject().put("scope", new JsonArray().add("webhooks:read").add("webhooks:ingest")),
      "array-scopes", TestService.ISSUER, TestService.AUDIENCE, 300);
    HttpResponse<Buffer> response = post(token, null, CisiveEvents.created("evt-auth-array", "ORD-AUTH-ARRAY"));
    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void rs256AndEs256TokensFromPemKeysAreAccepted() {
    JWTAuth rsaSigner = JWTAuth.create(clientVertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
      .setAlgorithm("RS256").setBuffer(pem("PRIVATE KEY", rsa.getPrivate().getEncoded()))));
    JWTAuth ecSigner = JWTAuth.create(clientVertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
      .setAlgorithm("ES256").setId("ec-key-1").setBuffer(pem("PRIVATE KEY", ec.getPrivate().getEncoded()))));

    String rsaToken = rsaSigner.generateToken(scopes("webhooks:ingest"), standard().setAlgorithm("RS256"));
    String ecToken = ecSigner.generateToken(scopes("webhooks:ingest"), standard().setAlgorithm("ES256")
      .setHeader(new JsonObject().put("kid", "ec-key-1")));

    assertThat(post(rsaToken, null, CisiveEvents.created("evt-auth-rs", "ORD-AUTH-RS")).statusCode()).isEqualTo(200);
    assertThat(post(ecToken, null, CisiveEvents.created("evt-auth-es", "ORD-AUTH-ES")).statusCode()).isEqualTo(200);
    assertThat(db.one("SELECT principal FROM webhook_events WHERE event_id = 'evt-auth-rs'").getString("principal"))
      .isEqualTo("pem-client");
  }

  @Test
  void errorBodiesNeverEchoTheToken() {
    String expired = service.sign(new JsonObject().put("exp", 1), "cisive", TestService.ISSUER, TestService.AUDIENCE, 0);
    HttpResponse<Buffer> response = post(expired, null);
    assertThat(response.bodyAsString()).doesNotContain(expired).doesNotContain(TestService.SECRET);
    assertThat(response.getHeader("WWW-Authenticate")).startsWith("Bearer");
  }

  private static JsonObject scopes(String scope) {
    return new JsonObject().put("scope", scope);
  }

  private static JWTOptions standard() {
    return new JWTOptions().setIssuer(TestService.ISSUER).setAudience(List.of(TestService.AUDIENCE))
      .setSubject("pem-client").setExpiresInSeconds(300);
  }

  private static HttpResponse<Buffer> post(String token, Map<String, String> headers) {
    return post(token, headers, CisiveEvents.created("evt-auth-denied", "ORD-AUTH-DENIED"));
  }

  private static HttpResponse<Buffer> post(String token, Map<String, String> headers, JsonObject event) {
    return service.postCisive(event.toBuffer(), token, headers == null ? Map.of() : headers);
  }

  private static void assertUnauthorized(HttpResponse<Buffer> response, String reason) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(401);
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getInteger("code")).isEqualTo(5102);
    assertThat(error.getJsonArray("fieldErrors").getJsonObject(0))
      .isEqualTo(new JsonObject().put("field", "Authorization").put("reason", reason));
    assertThat(db.count("SELECT count(*) FROM webhook_events WHERE event_id = 'evt-auth-denied'")).isZero();
  }

  /** An ingest token of {@code subject} whose exp is exactly {@code exp} (epoch seconds). */
  private static String ingestTokenExpiring(long exp, String subject) {
    return service.sign(new JsonObject().put("scope", "webhooks:ingest").put("exp", exp), subject, TestService.ISSUER,
      TestService.AUDIENCE, 0);
  }

  /** iss, aud, sub and the ingest scope; the caller sets the time claims exactly (no iat added). */
  private static JsonObject standardClaims() {
    return new JsonObject().put("iss", TestService.ISSUER).put("aud", TestService.AUDIENCE).put("sub", "cisive")
      .put("scope", "webhooks:ingest");
  }

  private static String hs256(JsonObject claims) {
    JWTAuth signer = JWTAuth.create(clientVertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(TestService.SECRET)));
    return signer.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setNoTimestamp(true));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
      .encodeToString(der) + "\n-----END " + type + "-----\n";
  }

  private static String base64Url(String text) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
