package io.webhookinbox.config;

import io.vertx.core.json.JsonObject;
import io.webhookinbox.Sources;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The settings registry is the one place a setting is declared: the shipped config file, its Kubernetes copy and the
 * operators' configuration reference ({@link #REFERENCE}) are generated from it, and a difference fails here. After
 * changing a declaration, regenerate them with {@code mvn test -Dtest=SettingsRegistryTest -Dsettings.write=true}.
 */
class SettingsRegistryTest {
  private static final Registry REGISTRY = Sources.registry(Sources.ALL);
  private static final boolean WRITE = Boolean.getBoolean("settings.write");
  /** Where the shipped file deliberately differs from the built-in defaults: a developer's token issuer. */
  static final Map<String, Object> DEVELOPMENT_VALUES = Map.of("jwt.issuer", "webhook-inbox-dev",
    "jwt.audience", "webhook-inbox");
  /** And where the Kubernetes copy differs from that: behind the ingress, operators on the management port. */
  static final Map<String, Object> KUBERNETES_VALUES = Map.of("management.operatorApi", true,
    "limits.clientIpHeader", "X-Forwarded-For");
  /** The operators' configuration reference page; its table sits between the two markers. */
  static final Path REFERENCE = Path.of("src/site/markdown/operators/configuration.md");
  private static final Pattern GENERATED_TABLE = Pattern.compile(
    "(<!-- settings table: generated -->\n)(.*?)(<!-- end of settings table -->)", Pattern.DOTALL);

  @Test
  void theShippedConfigFileIsTheRegistryWrittenOut() throws IOException {
    assertGenerated(Path.of("conf/config.yaml"), SettingsReference.yaml(REGISTRY, DEVELOPMENT_VALUES));
  }

  @Test
  void theKubernetesCopyDiffersOnlyWhereItMust() throws IOException {
    Map<String, Object> values = new LinkedHashMap<>(DEVELOPMENT_VALUES);
    values.putAll(KUBERNETES_VALUES);
    assertGenerated(Path.of("k8s/config.yaml"), SettingsReference.yaml(REGISTRY, values));
  }

  @Test
  void theConfigurationReferenceTableIsTheRegistry() throws IOException {
    String text = Files.readString(REFERENCE);
    Matcher table = GENERATED_TABLE.matcher(text);
    assertThat(table.find()).as(REFERENCE + " holds the generated settings table between its markers").isTrue();
    String expected = SettingsReference.markdownTable(REGISTRY);
    if (WRITE) {
      Files.writeString(REFERENCE,
        table.replaceFirst(Matcher.quoteReplacement(table.group(1) + expected + table.group(3))));
      return;
    }
    assertThat(table.group(2)).as(REFERENCE + "'s settings table (regenerate: -Dsettings.write=true)")
      .isEqualTo(expected);
    assertThat(GENERATED_TABLE.matcher(text).results().count()).as("one generated table").isEqualTo(1);
    assertThat(Files.readString(Path.of("README.md"))).as("the README links to the reference, never copies it")
      .doesNotContain("<!-- settings table: generated -->");
  }

  @Test
  void everyKeyAndVariableIsDeclaredOnceAndDocumented() {
    assertThat(REGISTRY.settings()).extracting(Setting::key).doesNotHaveDuplicates();
    assertThat(REGISTRY.environment().keySet()).doesNotHaveDuplicates()
      .contains("PG_HOST", "HTTP_PORT", "PROCESSING_TIMEOUT_SECONDS", "STRIPE_WEBHOOK_SECRETS", "CISIVE_WEBHOOK_SECRETS");
    assertThat(REGISTRY.settings()).allSatisfy(setting -> assertThat(setting.description()).as(setting.key())
      .isNotBlank().doesNotContain("\n"));
    assertThat(REGISTRY.settings()).filteredOn(Setting::isLive).extracting(setting -> setting.key().split("\\.")[0])
      .containsOnly(RuntimeSettings.SECTIONS.toArray(String[]::new));
  }

  @Test
  void eachDeclaredDefaultIsWhatAnEmptyConfigReads() {
    JsonObject empty = new JsonObject();
    assertThat(REGISTRY.settings()).allSatisfy(setting ->
      assertThat((Object) setting.read(empty)).as(setting.key()).isEqualTo(setting.defaultValue()));
  }

  @Test
  void theLoaderChecksRangesAndTypesFromTheDeclaration() {
    JsonObject jwt = new JsonObject().put("issuer", "i").put("audience", "a");
    assertThatThrownBy(() -> Sources.config(new JsonObject().put("jwt", jwt)
      .put("stripe", new JsonObject().put("toleranceSeconds", 0))))
      .hasMessage("stripe.toleranceSeconds must be between 1 and 86400");
    assertThatThrownBy(() -> Sources.config(new JsonObject().put("jwt", jwt)
      .put("limits", new JsonObject().put("rate", new JsonObject().put("ingest", "fast")))))
      .hasMessage("limits.rate.ingest must be a mapping");
    JsonObject env = REGISTRY.applyEnvironment(new JsonObject().put("CISIVE_MAX_FUTURE_SKEW_SECONDS", "60"));
    assertThat(REGISTRY.find("cisive.maxFutureSkewSeconds").orElseThrow().read(env)).isEqualTo(60);
  }

  @Test
  void theFormerNameOfTheIngestInstancesStillReads() {
    JsonObject jwt = new JsonObject().put("issuer", "i").put("audience", "a");
    assertThat(Sources.config(new JsonObject().put("jwt", jwt)
      .put("ingest", new JsonObject().put("workerInstances", 3))).ingest().instances()).isEqualTo(3);
    assertThat(Sources.config(new JsonObject().put("jwt", jwt)
      .put("ingest", new JsonObject().put("instances", 2).put("workerInstances", 3))).ingest().instances())
      .isEqualTo(2);
  }

  private static void assertGenerated(Path file, String expected) throws IOException {
    if (WRITE) {
      Files.writeString(file, expected, StandardCharsets.UTF_8);
      return;
    }
    assertThat(Files.readString(file)).as(file + " (regenerate: -Dsettings.write=true)").isEqualTo(expected);
  }
}
