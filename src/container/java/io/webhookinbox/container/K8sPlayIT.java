package io.webhookinbox.container;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.ExternalTools;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.StatusClient;
import io.webhookinbox.support.TestDatabase;
import io.webhookinbox.support.TestService;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shipped manifests, played: {@code kubectl kustomize k8s} as it stands, then the migrate Job's pod and the
 * Deployment's pod run by {@code podman kube play} with the ConfigMap the kustomization generates. What a cluster
 * would provide and podman cannot is supplied, and nothing else is changed: the database's address and the Secret's
 * values (inlined: podman 4.3 does not read Kubernetes Secrets, and its secret volumes crash it, so the JWT key's
 * Secret volume becomes a directory holding the same file); host networking (podman cannot combine it with
 * container ports) with the listen ports moved to free ones of this host. The Job must exit 0, the pod become ready
 * and take a signed delivery.
 */
@ExtendWith(PostgresExtension.class)
class K8sPlayIT {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String IMAGE = System.getProperty("container.image", "localhost/webhook-inbox:latest");
  private static Podman podman;
  private static Path kubectl;
  private static Vertx vertx;
  private final StatusClient http = new StatusClient();

  @BeforeAll
  static void tools(@TempDir Path work) {
    String buildSkipped = System.getProperty("container.skipReason", "");
    if (!buildSkipped.isBlank()) {
      ExternalTools.skip("manifests under podman: " + buildSkipped);
    }
    podman = new Podman(ExternalTools.require("podman", "podman"), work);
    kubectl = ExternalTools.find("kubectl").orElseGet(() ->
      ExternalTools.skip("manifests under podman: kubectl (with kustomize) is not installed"));
    assertThat(podman.run("image", "exists", IMAGE).exit()).as("image %s was loaded by the build", IMAGE).isZero();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void close() {
    if (vertx != null) {
      vertx.close().await();
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void theJobMigratesAndTheDeploymentsPodBecomesReadyAndTakesASignedDelivery(@TempDir Path dir)
    throws Exception {
    TestDatabase db = PostgresExtension.createEmptyDatabase("k8s_play");
    ExternalTools.Result rendered = ExternalTools.run(dir, Duration.ofSeconds(60),
      List.of(kubectl.toString(), "kustomize", Path.of("k8s").toAbsolutePath().toString()));
    assertThat(rendered.exit()).as(rendered.output()).isZero();
    List<Map<String, Object>> resources = new ArrayList<>();
    try (MappingIterator<Map<String, Object>> docs = YAML.readerFor(Map.class).readValues(rendered.output())) {
      docs.forEachRemaining(resources::add);
    }
    Map<String, Object> configMap = only(resources, "ConfigMap");
    Map<String, Object> job = only(resources, "Job");
    Map<String, Object> deployment = only(resources, "Deployment");

    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair keys = generator.generateKeyPair();
    Path keysDir = Files.createDirectories(dir.resolve("jwt-keys"));
    Files.setPosixFilePermissions(keysDir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(Files.writeString(keysDir.resolve("jwt-public.pem"),
      pem("PUBLIC KEY", keys.getPublic().getEncoded())), PosixFilePermissions.fromString("rw-r--r--"));
    int port = TestService.freePort();
    int managementPort = TestService.freePort();
    Map<String, String> secret = Map.of("PG_PASSWORD", db.password(),
      "STRIPE_WEBHOOK_SECRETS", "whsec_k8s_play_0123456789abcdefghijklmn", "CISIVE_WEBHOOK_SECRETS", "");

    Map<String, Object> jobPod = pod("webhook-inbox-migrate", spec(job), db, secret, keysDir, Map.of());
    ((Map<String, Object>) jobPod.get("spec")).put("restartPolicy", "Never");
    Path jobFile = write(dir.resolve("job.yaml"), configMap, jobPod);
    Path servicePod = write(dir.resolve("deployment.yaml"), configMap, pod("webhook-inbox", spec(deployment), db,
      secret, keysDir, Map.of("HTTP_PORT", String.valueOf(port), "MANAGEMENT_PORT", String.valueOf(managementPort))));
    try {
      podman.check("kube", "play", jobFile.toString());
      ExternalTools.Result exited = podman.run(Duration.ofSeconds(180), List.of("wait", "webhook-inbox-migrate-migrate"));
      String jobLogs = podman.run("logs", "webhook-inbox-migrate-migrate").output();
      assertThat(exited.output().trim()).as("the Job's exit code; its log:%n%s", jobLogs).isEqualTo("0");
      assertThat(jobLogs).contains("Database migrated");

      podman.check("kube", "play", servicePod.toString());
      String management = "http://127.0.0.1:" + managementPort;
      try {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
          .failFast("the pod's container exited", () -> !"true".equals(
            podman.check("inspect", "--format", "{{.State.Running}}", "webhook-inbox-webhook-inbox")))
          .until(() -> http.get(management + "/health/ready") == 200);
      } catch (ConditionTimeoutException | TerminalFailureException notReady) {
        // The pod is removed below: its log goes with the failure, or nobody can tell why it never became ready.
        throw new AssertionError(notReady.getMessage() + "; the container's log:\n"
          + podman.run("logs", "webhook-inbox-webhook-inbox").output(), notReady);
      }

      Map<String, String> env = envOf(spec(deployment));
      JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("ES256").setBuffer(pem("PRIVATE KEY", keys.getPrivate().getEncoded()))));
      String token = signer.generateToken(new JsonObject().put("scope", "webhooks:ingest"), new JWTOptions()
        .setAlgorithm("ES256").setIssuer(env.get("JWT_ISSUER")).setAudience(List.of(env.get("JWT_AUDIENCE")))
        .setSubject("cisive-k8s-play").setExpiresInSeconds(600));
      assertThat(http.postCisive("http://127.0.0.1:" + port, token,
        CisiveEvents.created("evt-k8s-play-1", "ORD-K8S-PLAY-1").encode())).isEqualTo(200);
      assertThat(db.one("SELECT status FROM webhook_events WHERE event_id = 'evt-k8s-play-1'").getString("status"))
        .isEqualTo("processed");
    } finally {
      podman.run("kube", "down", servicePod.toString());
      podman.run("kube", "down", jobFile.toString());
      PostgresExtension.dropDatabase(db);
    }
  }

  /**
   * A resource's pod spec as a Pod: host networking without container ports, the database at this test's server,
   * the Secret's keys inlined, the JWT key Secret volume as a directory with the same file, and {@code env} added.
   */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> pod(String name, Map<String, Object> spec, TestDatabase db,
                                         Map<String, String> secret, Path keysDir, Map<String, String> env) {
    spec.put("hostNetwork", true);
    for (Map<String, Object> container : (List<Map<String, Object>>) spec.get("containers")) {
      container.remove("ports");
      List<Map<String, Object>> vars = (List<Map<String, Object>>) container.get("env");
      for (Map<String, Object> var : vars) {
        Map<String, Object> from = (Map<String, Object>) var.remove("valueFrom");
        if (from != null) {
          var.put("value", secret.get((String) ((Map<String, Object>) from.get("secretKeyRef")).get("key")));
        }
        switch ((String) var.get("name")) {
          case "PG_HOST" -> var.put("value", db.host());
          case "PG_PORT" -> var.put("value", String.valueOf(db.port()));
          case "PG_DATABASE" -> var.put("value", db.name());
          case "PG_USER" -> var.put("value", db.user());
          default -> { }
        }
      }
      env.forEach((key, value) -> vars.add(Map.of("name", key, "value", value)));
    }
    for (Map<String, Object> volume : (List<Map<String, Object>>) spec.getOrDefault("volumes", List.of())) {
      if (volume.remove("secret") != null) {
        volume.put("hostPath", Map.of("path", keysDir.toString(), "type", "Directory"));
      }
    }
    return Map.of("apiVersion", "v1", "kind", "Pod", "metadata", Map.of("name", name), "spec", spec);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(Map<String, Object> workload) {
    Map<String, Object> template = (Map<String, Object>) ((Map<String, Object>) workload.get("spec")).get("template");
    return (Map<String, Object>) template.get("spec");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> envOf(Map<String, Object> spec) {
    Map<String, String> env = new java.util.HashMap<>();
    for (Map<String, Object> container : (List<Map<String, Object>>) spec.get("containers")) {
      for (Map<String, Object> var : (List<Map<String, Object>>) container.get("env")) {
        env.put((String) var.get("name"), (String) var.get("value"));
      }
    }
    return env;
  }

  private static Map<String, Object> only(List<Map<String, Object>> resources, String kind) {
    List<Map<String, Object>> found = resources.stream().filter(resource -> kind.equals(resource.get("kind"))).toList();
    assertThat(found).as("one %s in the kustomization", kind).hasSize(1);
    return found.get(0);
  }

  @SafeVarargs
  private static Path write(Path file, Map<String, Object>... documents) throws IOException {
    StringBuilder yaml = new StringBuilder();
    for (Map<String, Object> document : documents) {
      yaml.append("---\n").append(YAML.writeValueAsString(document).replaceFirst("^---\n", ""));
    }
    return Files.writeString(file, yaml);
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
      + "\n-----END " + type + "-----\n";
  }
}
