package io.webhookinbox.config;

import io.webhookinbox.Sources;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The shipped config file, the environment overrides, and the checks that stop a bad config at start-up. */
@ExtendWith(VertxExtension.class)
class ConfigTest {
  private static final Registry REGISTRY = Sources.registry(Sources.ALL);

  /** A source's setting as the service reads it (sources read their own settings from the config tree). */
  private static Object setting(AppConfig config, String key) {
    return REGISTRY.find(key).orElseThrow().read(config.root());
  }

  @Test
  void shippedConfigFileLoadsWithItsDocumentedDefaults(Vertx vertx) {
    JsonObject json = ConfigLoader.retriever(vertx, Path.of(ConfigLoader.DEFAULT_CONFIG_FILE), REGISTRY, false, true)
      .getConfig().await();
    AppConfig config = Sources.config(json);

    assertThat(config.http().port()).isEqualTo(8080);
    assertThat(config.http().bodyLimitBytes()).isEqualTo(1024 * 1024);
    assertThat(config.database().embedded()).isTrue();
    assertThat(config.database().embeddedDataDir()).isEqualTo(Path.of(".data/postgres"));
    assertThat(config.jwt().algorithms()).containsExactly("HS256", "RS256", "ES256");
    assertThat(config.retry()).isEqualTo(new RetryConfig(2000, 2.0, 60_000, 0.1, 5));
    assertThat(config.scheduler().batchSize()).isEqualTo(50);
    WebhookSettings webhooks = config.runtimeSettings().webhooks();
    assertThat(webhooks.enabledEvents()).containsExactlyElementsOf(REGISTRY.enabledEvents().defaultValue());
    assertThat(webhooks.signatureVerification()).isTrue();
    assertThat(setting(config, "stripe.toleranceSeconds")).isEqualTo(300);
    assertThat(config.jwt().jwks()).isEqualTo(new JwksConfig("", 300, 30, 5000, 262_144));
    assertThat(config.jwt().jwks().enabled()).isFalse();
  }

  @Test
  void aConfigFileThatIsThereMustBeYamlWhileAnAbsentOneAddsNothing(Vertx vertx, @TempDir Path dir)
    throws IOException {
    Path broken = Files.writeString(dir.resolve("config.yaml"), "retry: [initialDelayMs: 9999 secret-value\n");
    // Start-up reads a file that is there as required: a broken one stops it, saying where but quoting nothing.
    Throwable failure = catchThrowable(() -> ConfigLoader.retriever(vertx, broken, REGISTRY, false, true)
      .getConfig().await());
    assertThat(ConfigLoader.withoutFileText(broken, failure))
      .hasMessageStartingWith("config file " + broken + " is not valid YAML at line 2, column 1")
      .hasMessageNotContaining("secret-value").hasNoCause();
    // Any other failure is reported as it is (a setting's bad value names its key).
    IllegalArgumentException badValue = new IllegalArgumentException("retry.multiplier must be at least 1");
    assertThat(ConfigLoader.withoutFileText(broken, badValue)).isSameAs(badValue);
    // What the optional store would have done with it, and why start-up does not use it for a file that is there.
    assertThat(ConfigLoader.retriever(vertx, broken, REGISTRY, false, false).getConfig().await()).isEmpty();
    assertThat(ConfigLoader.retriever(vertx, dir.resolve("absent.yaml"), REGISTRY, false, false).getConfig().await())
      .isEmpty();
  }

  @Test
  void environmentVariablesLandOnTheirKeys() {
    JsonObject merged = new JsonObject()
      .put("http", new JsonObject().put("port", 8080))
      .put("HTTP_PORT", "9090").put("PG_HOST", "db.internal").put("PG_PASSWORD", "s3cret")
      .put("JWT_PUBLIC_KEYS", "/keys/a.pem, kid2=/keys/b.pem").put("JWT_ISSUER", "https://idp")
      .put("JWT_AUDIENCE", "inbox")
      .put("STRIPE_WEBHOOK_SECRETS", "whsec_new,whsec_old").put("STRIPE_TOLERANCE_SECONDS", "120")
      .put("CISIVE_WEBHOOK_SECRETS", "whsec_Y2lzaXZl").put("PROCESSING_TIMEOUT_SECONDS", "7")
      .put("JWT_JWKS_URL", "https://idp.example.com/.well-known/jwks.json").put("JWT_JWKS_REFRESH_SECONDS", "600")
      .put("JWT_JWKS_MIN_REFRESH_INTERVAL_SECONDS", "60");

    AppConfig config = Sources.config(REGISTRY.applyEnvironment(merged));

    assertThat(config.http().port()).isEqualTo(9090);
    assertThat(config.database().host()).isEqualTo("db.internal");
    assertThat(config.database().embedded()).isFalse();
    assertThat(config.database().password()).isEqualTo("s3cret");
    assertThat(config.database().toString()).doesNotContain("s3cret");
    assertThat(config.jwt().publicKeys()).containsExactly("/keys/a.pem", "kid2=/keys/b.pem");
    assertThat(config.jwt().issuer()).isEqualTo("https://idp");
    assertThat(config.jwt().jwks()).isEqualTo(new JwksConfig("https://idp.example.com/.well-known/jwks.json", 600, 60,
      5000, 262_144));
    assertThat(setting(config, "stripe.webhookSecrets")).isEqualTo(List.of("whsec_new", "whsec_old"));
    assertThat(setting(config, "stripe.toleranceSeconds")).isEqualTo(120);
    assertThat((List<?>) setting(config, "cisive.webhookSecrets")).as("Cisive signatures on").isNotEmpty();
    assertThat(config.toString()).doesNotContain("whsec_");
    assertThat(config.runtimeSettings().webhooks().timeoutSeconds()).isEqualTo(7);
  }

  @Test
  void retentionKeepsKeysLongerThanPayloads() {
    JsonObject jwt = new JsonObject().put("issuer", "i").put("audience", "a");
    RetentionConfig defaults = Sources.config(new JsonObject().put("jwt", jwt)).retention();
    assertThat(defaults).isEqualTo(new RetentionConfig(90, 400, 730, 7, 60));
    assertThat(Sources.config(REGISTRY.applyEnvironment(new JsonObject().put("jwt", jwt).put("RETENTION_EVENTS_DAYS", "30")
      .put("RETENTION_DEDUP_KEYS_DAYS", "31"))).retention().dedupKeys()).isEqualTo(31);
    for (JsonObject retention : List.of(new JsonObject().put("events", 90).put("dedupKeys", 90),
                                        new JsonObject().put("events", 0).put("dedupKeys", 400))) {
      assertThatThrownBy(() -> Sources.config(new JsonObject().put("jwt", jwt).put("retention", retention)))
        .hasMessageContaining("retention.dedupKeys");
    }
    assertThatThrownBy(() -> Sources.config(new JsonObject().put("jwt", jwt)
      .put("retention", new JsonObject().put("events", -1)))).hasMessageContaining("retention.events");
  }

  @Test
  void badValuesFailWithTheKeyName() {
    JsonObject jwt = new JsonObject().put("issuer", "i").put("audience", "a");
    assertThatThrownBy(() -> Sources.config(new JsonObject().put("jwt", jwt).put("http", new JsonObject().put("port", 70000))))
      .hasMessageContaining("http.port");
    assertThatThrownBy(() -> Sources.config(new JsonObject().put("jwt", jwt).put("retry", new JsonObject().put("multiplier", "fast"))))
      .hasMessageContaining("retry.multiplier");
    assertThatThrownBy(() -> Sources.config(new JsonObject().put("jwt", jwt.copy().put("algorithms", List.of("none")))))
      .hasMessageContaining("unsupported algorithm none");
    assertThatThrownBy(() -> Sources.config(new JsonObject().put("jwt", new JsonObject().put("issuer", "i"))))
      .hasMessageContaining("jwt.audience");
    assertThatThrownBy(() -> Sources.config(new JsonObject().put("jwt", jwt)
      .put("retry", new JsonObject().put("initialDelayMs", 5000).put("maxDelayMs", 1000))))
      .hasMessageContaining("retry.maxDelayMs");
    assertThatThrownBy(() -> Sources.config(new JsonObject().put("jwt", jwt)
      .put("webhooks", new JsonObject().put("enabledEvents", List.of("invoice.paid")))))
      .hasMessageContaining("unsupported event type invoice.paid");
  }

  @Test
  void jwksSettingsAreCheckedAtStartUp() {
    assertThat(jwks(new JsonObject().put("jwksUrl", "http://127.0.0.1:8081/jwks")).url())
      .as("http on loopback, for tests and a local sidecar").isEqualTo("http://127.0.0.1:8081/jwks");
    assertThat(jwks(new JsonObject().put("jwksUrl", "http://localhost/jwks")).enabled()).isTrue();
    assertThatThrownBy(() -> jwks(new JsonObject().put("jwksUrl", "http://idp.example.com/jwks")))
      .isInstanceOf(InvalidSetting.class).hasMessageContaining("jwt.jwksUrl must use https");
    assertThatThrownBy(() -> jwks(new JsonObject().put("jwksUrl", "https://user:pass@idp.example.com/jwks")))
      .hasMessage("jwt.jwksUrl must not carry credentials");
    assertThatThrownBy(() -> jwks(new JsonObject().put("jwksUrl", "ftp://idp.example.com/jwks")))
      .hasMessageContaining("jwt.jwksUrl must be an absolute http(s) URL");
    assertThatThrownBy(() -> jwks(new JsonObject().put("jwksUrl", "/jwks")))
      .hasMessageContaining("jwt.jwksUrl must be an absolute http(s) URL");
    assertThatThrownBy(() -> jwks(new JsonObject().put("jwksRefreshSeconds", 0)))
      .hasMessageContaining("jwt.jwksRefreshSeconds must be between 1 and 86400");
    assertThatThrownBy(() -> jwks(new JsonObject().put("jwksMinRefreshIntervalSeconds", "often")))
      .hasMessageContaining("jwt.jwksMinRefreshIntervalSeconds must be a whole number");
    assertThatThrownBy(() -> jwks(new JsonObject().put("jwksRefreshSeconds", 20).put("jwksMinRefreshIntervalSeconds", 30)))
      .hasMessage("jwt.jwksMinRefreshIntervalSeconds must not exceed jwt.jwksRefreshSeconds");
    assertThatThrownBy(() -> jwks(new JsonObject().put("jwksTimeoutMs", 120_000)))
      .hasMessageContaining("jwt.jwksTimeoutMs must be between 100 and 60000");
    assertThatThrownBy(() -> jwks(new JsonObject().put("jwksMaxBytes", 10)))
      .hasMessageContaining("jwt.jwksMaxBytes must be between 1024 and 4194304");
  }

  private static JwksConfig jwks(JsonObject settings) {
    return Sources.config(new JsonObject().put("jwt", settings.put("issuer", "i").put("audience", "a"))).jwt().jwks();
  }
}
