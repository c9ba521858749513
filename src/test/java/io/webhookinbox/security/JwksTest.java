package io.webhookinbox.security;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.IdentityProvider;
import io.webhookinbox.support.IdentityProvider.Mode;
import io.webhookinbox.support.IdentityProvider.SigningKey;
import io.webhookinbox.support.LogCapture;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.TestDatabase;
import io.webhookinbox.support.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Keys from the identity provider: a real JWKS endpoint on loopback whose keys are rotated while the service runs.
 * The main service refreshes on schedule only once an hour, so every fetch here is one an unknown kid caused; the
 * minimum interval between fetches is {@value #MIN_INTERVAL} s.
 */
@ExtendWith({VertxExtension.class, PostgresExtension.class})
class JwksTest {
  private static final int MIN_INTERVAL = 2;
  private static final String REFUSED = "token signature or algorithm is not accepted";
  private static final AtomicInteger EVENTS = new AtomicInteger();

  private static Vertx clientVertx;
  private static TestDatabase db;
  private static IdentityProvider idp;
  private static TestService service;
  private static WebClient freshConnections;
  private static final SigningKey RSA = SigningKey.rsa("rsa-1");
  private static final SigningKey EC = SigningKey.ec("ec-1");

  @BeforeAll
  static void start(Vertx vertx, TestDatabase database) {
    clientVertx = vertx;
    db = database;
    idp = IdentityProvider.start(vertx);
    idp.publish(RSA);
    idp.publish(EC);
    service = TestService.start(vertx, jwksConfig(database, idp, 3600, MIN_INTERVAL, 5000));
    // One connection per request: consecutive requests land on different HTTP verticles (event loops).
    freshConnections = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
      .setDefaultPort(service.port()).setKeepAlive(false), new PoolOptions().setHttp1MaxSize(50));
  }

  @AfterAll
  static void stop() {
    service.close();
    idp.close();
  }

  @Test
  void rs256AndEs256TokensSignedWithJwksKeysAreAccepted() {
    assertThat(post(service, RSA.sign(clientVertx, "idp-client", "webhooks:ingest")).statusCode()).isEqualTo(200);
    assertThat(post(service, EC.sign(clientVertx, "idp-client", "webhooks:ingest")).statusCode()).isEqualTo(200);
    assertThat(db.count("SELECT count(*) FROM webhook_events WHERE principal = 'idp-client'")).isGreaterThanOrEqualTo(2);
    assertThat(post(service, RSA.sign(clientVertx, "idp-reader", "webhooks:read")).statusCode())
      .as("the scope is still checked").isEqualTo(403);
  }

  @Test
  void pemAndHs256KeysKeepWorkingNextToTheJwks() {
    assertThat(post(service, service.ingestToken()).statusCode()).isEqualTo(200);
  }

  @Test
  void aTokenWithoutKidIsRefusedEvenWhenAJwksKeySignedIt() {
    int before = idp.requests();
    assertUnauthorized(post(service, RSA.signWithoutKid(clientVertx, "idp-client", "webhooks:ingest")));
    assertThat(idp.requests()).as("no kid, nothing to look up").isEqualTo(before);
  }

  @Test
  void aKeyPublishedWhileRunningIsFetchedOnceOnItsUnknownKidAndEveryEventLoopUsesIt() {
    SigningKey rotated = SigningKey.rsa("rsa-rotated");
    idp.publish(rotated);
    awaitMinimumInterval();
    int before = idp.requests();

    assertThat(post(service, rotated.sign(clientVertx, "idp-rotated", "webhooks:ingest")).statusCode()).isEqualTo(200);
    assertThat(idp.requests()).isEqualTo(before + 1);
    for (int i = 0; i < 6; i++) {
      assertThat(postOnNewConnection(rotated.sign(clientVertx, "idp-rotated", "webhooks:ingest")).statusCode())
        .isEqualTo(200);
    }
    assertThat(idp.requests()).as("a known kid needs no fetch").isEqualTo(before + 1);
  }

  @Test
  void aFloodOfUnknownKidsFetchesAtMostOncePerMinimumInterval() {
    SigningKey stranger = SigningKey.rsa("never-published");
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      tokens.add(stranger.signAs(clientVertx, "forged-" + i, "attacker", "webhooks:ingest"));
    }
    awaitMinimumInterval();
    int before = idp.requests();
    long started = System.nanoTime();

    List<Future<HttpResponse<Buffer>>> answers = new ArrayList<>();
    for (String token : tokens) {
      answers.add(service.client().post(TestService.CISIVE_PATH).putHeader("Authorization", "Bearer " + token)
        .putHeader("Content-Type", "application/json").sendBuffer(CisiveEvents.created("evt-flood", "ORD-FLOOD").toBuffer()));
    }
    Future.all(answers).await();
    double seconds = (System.nanoTime() - started) / 1e9;

    for (Future<HttpResponse<Buffer>> answer : answers) {
      assertUnauthorized(answer.result());
    }
    int fetches = idp.requests() - before;
    assertThat(fetches).isGreaterThanOrEqualTo(1).isLessThanOrEqualTo(1 + (int) (seconds / MIN_INTERVAL));
    assertThat(db.count("SELECT count(*) FROM webhook_events WHERE event_id = 'evt-flood'")).isZero();
    assertThat(String.join("\n", LogCapture.lines())).as("tokens never reach the logs").doesNotContain(tokens.get(0));
  }

  @Test
  void aKeyWithdrawnFromTheJwksIsRefusedAfterTheNextRefresh() {
    SigningKey retired = SigningKey.ec("ec-retired");
    idp.publish(retired);
    awaitMinimumInterval();
    assertThat(post(service, retired.sign(clientVertx, "idp-retired", "webhooks:ingest")).statusCode()).isEqualTo(200);

    idp.withdraw(retired.kid());
    assertThat(post(service, retired.sign(clientVertx, "idp-retired", "webhooks:ingest")).statusCode())
      .as("still cached until the next refresh").isEqualTo(200);
    awaitMinimumInterval();
    int before = idp.requests();
    assertUnauthorized(post(service, RSA.signAs(clientVertx, "unknown-triggers-refresh", "idp", "webhooks:ingest")));
    assertThat(idp.requests()).isEqualTo(before + 1);

    assertUnauthorized(post(service, retired.sign(clientVertx, "idp-retired", "webhooks:ingest")));
    assertThat(post(service, RSA.sign(clientVertx, "idp-client", "webhooks:ingest")).statusCode()).isEqualTo(200);
  }

  @Test
  void keysTheServiceMustNotUseAreIgnored() {
    SigningKey encryption = SigningKey.rsa("enc-1");
    SigningKey offList = SigningKey.rsa("rs512-1");
    SigningKey weak = SigningKey.rsa("weak-1", 1024);
    idp.publishRaw(encryption.jwk().copy().put("use", "enc"));
    idp.publishRaw(offList.jwk().copy().put("alg", "RS512"));
    idp.publish(weak);
    idp.publishRaw(new JsonObject().put("kty", "oct").put("kid", "oct-1").put("k", "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0"));
    awaitMinimumInterval();

    assertUnauthorized(post(service, encryption.sign(clientVertx, "idp", "webhooks:ingest")));
    assertUnauthorized(post(service, weak.sign(clientVertx, "idp", "webhooks:ingest")));
    assertUnauthorized(post(service, offList.sign(clientVertx, "idp", "webhooks:ingest")));
  }

  @Test
  void whileTheIdpFailsCachedKeysStayAndEveryFetchIsBounded(Vertx vertx, TestDatabase database) {
    SigningKey key = SigningKey.rsa("periodic-1");
    try (IdentityProvider flaky = IdentityProvider.start(vertx)) {
      flaky.publish(key);
      try (TestService periodic = TestService.start(vertx, jwksConfig(database, flaky, 1, 1, 500))) {
        String token = key.sign(vertx, "idp-periodic", "webhooks:ingest");
        assertThat(post(periodic, token).statusCode()).isEqualTo(200);

        for (Mode failure : List.of(Mode.DOWN, Mode.HUGE, Mode.SILENT)) {
          flaky.mode(failure);
          double failedBefore = failedRefreshes(periodic);
          await().atMost(Duration.ofSeconds(15)).until(() -> failedRefreshes(periodic) >= failedBefore + 2);
          assertThat(post(periodic, token).statusCode()).as("cached key while the IdP is %s", failure).isEqualTo(200);
        }
        HttpResponse<Buffer> unknown = post(periodic, key.signAs(vertx, "published-during-outage", "idp", "webhooks:ingest"));
        assertThat(unknown.statusCode()).as("an unknown kid cannot be checked while the IdP is away").isEqualTo(503);
        assertThat(unknown.bodyAsJsonObject().getJsonObject("error").getInteger("code")).isEqualTo(5123);
        assertThat(unknown.getHeader("Retry-After")).isEqualTo("1");

        flaky.mode(Mode.UP);
        flaky.withdraw(key.kid());
        SigningKey next = SigningKey.ec("periodic-2");
        flaky.publish(next);
        int before = flaky.requests();
        await().atMost(Duration.ofSeconds(15)).until(() -> flaky.requests() >= before + 2);
        assertUnauthorized(post(periodic, token));
        assertThat(post(periodic, next.sign(vertx, "idp-periodic", "webhooks:ingest")).statusCode()).isEqualTo(200);
      }
    }
  }

  @Test
  void theServiceStartsWhileTheIdpIsDownAndAcceptsTokensOnceKeysArrive(Vertx vertx, TestDatabase database) {
    SigningKey key = SigningKey.ec("late-1");
    try (IdentityProvider late = IdentityProvider.start(vertx)) {
      late.mode(Mode.DOWN);
      late.publish(key);
      try (TestService started = TestService.start(vertx, jwksConfig(database, late, 3600, 1, 2000))) {
        assertThat(started.get("/health/ready", null).statusCode()).as("ready: Stripe and HS256 need no IdP").isEqualTo(200);
        assertThat(post(started, started.ingestToken()).statusCode()).isEqualTo(200);
        String token = key.sign(vertx, "idp-late", "webhooks:ingest");
        HttpResponse<Buffer> early = post(started, token);
        assertThat(early.statusCode()).isEqualTo(503);
        assertThat(early.bodyAsJsonObject().getJsonObject("error").getInteger("code")).isEqualTo(5123);

        late.mode(Mode.UP);
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
          .until(() -> post(started, token).statusCode() == 200);
        assertThat(metric(started, "webhook_jwks_keys")).isEqualTo(1.0);
      }
    }
  }

  private static JsonObject jwksConfig(TestDatabase database, IdentityProvider provider, int refreshSeconds,
                                       int minIntervalSeconds, int timeoutMs) {
    return TestService.config(database, new JsonObject().put("jwt", new JsonObject()
      .put("jwksUrl", provider.jwksUrl())
      .put("jwksRefreshSeconds", refreshSeconds)
      .put("jwksMinRefreshIntervalSeconds", minIntervalSeconds)
      .put("jwksTimeoutMs", timeoutMs)
      .put("jwksMaxBytes", 65536)));
  }

  /** The service's last fetch is at least the minimum interval ago (its clock starts before the IdP's). */
  private static void awaitMinimumInterval() {
    await().atMost(Duration.ofSeconds(MIN_INTERVAL + 10)).pollInterval(Duration.ofMillis(100))
      .until(() -> idp.secondsSinceLastRequest() > MIN_INTERVAL + 0.1);
  }

  private static double failedRefreshes(TestService target) {
    var counter = target.server().metrics().registry().find("webhook_jwks_refreshes_total").tag("outcome", "failed").counter();
    return counter == null ? 0 : counter.count();
  }

  private static double metric(TestService target, String gauge) {
    return target.server().metrics().registry().get(gauge).gauge().value();
  }

  private static HttpResponse<Buffer> post(TestService target, String token) {
    return target.postCisive(CisiveEvents.created("evt-jwks-" + EVENTS.incrementAndGet(), "ORD-JWKS").toBuffer(), token,
      Map.of());
  }

  private static HttpResponse<Buffer> postOnNewConnection(String token) {
    return freshConnections.post(TestService.CISIVE_PATH).putHeader("Authorization", "Bearer " + token)
      .putHeader("Content-Type", "application/json")
      .sendBuffer(CisiveEvents.created("evt-jwks-" + EVENTS.incrementAndGet(), "ORD-JWKS").toBuffer()).await();
  }

  private static void assertUnauthorized(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(401);
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getInteger("code")).isEqualTo(5102);
    assertThat(error.getJsonArray("fieldErrors").getJsonObject(0))
      .isEqualTo(new JsonObject().put("field", "Authorization").put("reason", REFUSED));
  }
}
