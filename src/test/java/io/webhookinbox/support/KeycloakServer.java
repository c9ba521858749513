package io.webhookinbox.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A real Keycloak (the Quarkus server distribution from Maven Central) for tests, run in dev mode
 * on a free loopback port, with realm {@value #REALM}, client {@value #CLIENT_ID} and users
 * alice / bob / carol (password = user name).
 *
 * <p>The dist zip is taken from the local Maven repository; when it is absent it is fetched with
 * {@code mvn -B -q dependency:copy -Dartifact=org.keycloak:keycloak-quarkus-dist:<version>:zip
 * -DoutputDirectory=<dir>}. It is unpacked once into {@code <cacheDir>/keycloak-<version>}; the
 * dev-file H2 database there is kept between runs (restarts are much faster) and wiped when the
 * realm JSON changes. One server per cache dir at a time (guarded by a file lock).
 *
 * <p>Roles: client roles {@code webhooks:read|admin|pii} of {@value #CLIENT_ID}, emitted as a
 * top-level JSON array claim {@code "roles"} in the access token, the ID token and userinfo.
 */
public final class KeycloakServer implements AutoCloseable {

  public static final String REALM = "webhook-inbox";
  public static final String CLIENT_ID = "webhook-inbox-console";
  public static final String CLIENT_SECRET = "console-test-secret-not-for-production";
  public static final String ROLES_CLAIM = "roles";
  public static final String DEFAULT_VERSION = "26.7.3";
  /** Keycloak 26 needs Java 21 or newer; the service itself runs on 17. */
  public static final int MIN_JAVA = 21;

  private final Process process;
  private final int port;
  private final Path logFile;
  private Duration startupTime;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Thread shutdownHook;

  private KeycloakServer(Process process, int port, Path logFile, FileChannel lockChannel, FileLock lock) {
    this.process = process;
    this.port = port;
    this.logFile = logFile;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.shutdownHook = new Thread(this::stopProcessTree, "keycloak-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts with defaults: system property {@code keycloak.version}; the JDK from {@code KEYCLOAK_JAVA_HOME} (or the
   * system property {@code keycloak.java.home}), else the newest JDK of at least {@value #MIN_JAVA} under
   * /usr/lib/jvm (see {@link #javaHome()}).
   */
  public static KeycloakServer start() {
    return start(Path.of("target", "keycloak"), System.getProperty("keycloak.version", DEFAULT_VERSION),
        javaHome().orElseThrow(() -> new IllegalStateException("no JDK " + MIN_JAVA + "+ for Keycloak")),
        Duration.ofMinutes(4));
  }

  /** A JDK that runs Keycloak: KEYCLOAK_JAVA_HOME, -Dkeycloak.java.home, or the newest 21+ under /usr/lib/jvm. */
  public static java.util.Optional<Path> javaHome() {
    String configured = System.getenv().getOrDefault("KEYCLOAK_JAVA_HOME", System.getProperty("keycloak.java.home"));
    if (configured != null && !configured.isBlank()) {
      return java.util.Optional.of(Path.of(configured)).filter(home -> Files.isExecutable(home.resolve("bin/java")));
    }
    Path jvms = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return java.util.Optional.empty();
    }
    try (Stream<Path> homes = Files.list(jvms)) {
      return homes.filter(home -> Files.isExecutable(home.resolve("bin/java")) && !Files.isSymbolicLink(home))
          .filter(home -> majorVersion(home) >= MIN_JAVA)
          .max(Comparator.comparingInt(KeycloakServer::majorVersion));
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
  }

  /** JAVA_VERSION from the JDK's release file ("25.0.1" → 25), 0 when unreadable. */
  static int majorVersion(Path home) {
    try {
      for (String line : Files.readAllLines(home.resolve("release"))) {
        if (line.startsWith("JAVA_VERSION=")) {
          String version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
          return Integer.parseInt(version.split("[.+-]")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }

  public static KeycloakServer start(Path dir, String version, Path javaHome, Duration timeout) {
    Path cacheDir = dir.toAbsolutePath();
    try {
      Files.createDirectories(cacheDir);
      Path home = unpackOnce(distZip(version, cacheDir), cacheDir.resolve("keycloak-" + version));
      FileChannel channel = FileChannel.open(home.resolve(".lock"),
          StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        channel.close();
        throw new IllegalStateException("Another Keycloak runs from " + home + "; use another cacheDir");
      }
      try {
        return launch(home, cacheDir, javaHome, timeout, channel, lock);
      } catch (IOException | RuntimeException e) {
        if (lock.isValid()) {
          lock.release();
          channel.close();
        }
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static KeycloakServer launch(Path home, Path cacheDir, Path javaHome, Duration timeout,
                                       FileChannel channel, FileLock lock) throws IOException {
    writeRealm(home);
    int port = freePort();
    Path log = cacheDir.resolve("keycloak-" + port + ".log");
    ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/kc.sh").toString(), "start-dev",
        "--http-host=127.0.0.1", "--http-port=" + port, "--import-realm")
        .directory(home.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("KC_")); // no stray config from the caller
    pb.environment().put("JAVA_HOME", javaHome.toString());
    pb.environment().put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx512m");
    pb.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
    pb.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", "admin");
    long t0 = System.nanoTime();
    KeycloakServer server = new KeycloakServer(pb.start(), port, log, channel, lock);
    try {
      server.awaitReady(timeout);
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    server.startupTime = Duration.ofNanos(System.nanoTime() - t0);
    return server;
  }

  public int port() { return port; }
  public String baseUrl() { return "http://127.0.0.1:" + port; }
  public String issuer() { return baseUrl() + "/realms/" + REALM; }
  public Duration startupTime() { return startupTime; }
  public Path logFile() { return logFile; }

  private void awaitReady(Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest request = HttpRequest.newBuilder(
        URI.create(issuer() + "/.well-known/openid-configuration")).timeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("Keycloak exited with " + process.exitValue() + ", see " + logFile);
      }
      try {
        if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      sleep(250);
    }
    throw new IllegalStateException("Keycloak not ready after " + timeout + ", see " + logFile);
  }

  @Override
  public void close() {
    stopProcessTree();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // already in shutdown
    }
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException ignored) {
      // best effort
    }
  }

  private void stopProcessTree() {
    List<ProcessHandle> tree = Stream.concat(process.descendants(), Stream.of(process.toHandle())).toList();
    tree.forEach(ProcessHandle::destroy); // SIGTERM: kc.sh forwards it, Keycloak shuts down cleanly
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (tree.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
      sleep(100);
    }
    tree.forEach(ProcessHandle::destroyForcibly);
  }

  // ---- distribution ----

  private static Path distZip(String version, Path cacheDir) throws IOException {
    String m2 = System.getProperty("maven.repo.local",
        Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
    Path zip = Path.of(m2, "org", "keycloak", "keycloak-quarkus-dist", version,
        "keycloak-quarkus-dist-" + version + ".zip");
    if (Files.isRegularFile(zip)) {
      return zip;
    }
    Path out = cacheDir.resolve("download");
    run(Duration.ofMinutes(10), "mvn", "-B", "-q", "dependency:copy",
        "-Dartifact=org.keycloak:keycloak-quarkus-dist:" + version + ":zip",
        "-DoutputDirectory=" + out.toAbsolutePath());
    return out.resolve("keycloak-quarkus-dist-" + version + ".zip");
  }

  private static Path unpackOnce(Path zip, Path home) throws IOException {
    if (Files.isRegularFile(home.resolve("bin/kc.sh"))) {
      return home;
    }
    Path tmp = Files.createTempDirectory(home.getParent(), "unpack-");
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        // entries are "keycloak-<version>/..."; drop the first path element
        String name = e.getName().substring(e.getName().indexOf('/') + 1);
        Path target = tmp.resolve(name).normalize();
        if (name.isEmpty() || !target.startsWith(tmp)) {
          continue;
        }
        if (e.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
          if (name.endsWith(".sh")) {
            target.toFile().setExecutable(true);
          }
        }
      }
    }
    try {
      Files.move(tmp, home, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException raced) {
      deleteTree(tmp); // another process unpacked it first
    }
    return home;
  }

  /** Writes the realm for --import-realm; wipes the dev-file database when the realm changed. */
  private static void writeRealm(Path home) throws IOException {
    String json = KeycloakRealm.json(CLIENT_ID, CLIENT_SECRET, ROLES_CLAIM);
    Path hashFile = home.resolve("data/realm.sha256");
    String hash = sha256(json);
    if (!Files.isRegularFile(hashFile) || !Files.readString(hashFile).equals(hash)) {
      deleteTree(home.resolve("data/h2"));
    }
    Files.createDirectories(home.resolve("data/import"));
    Files.writeString(home.resolve("data/import/" + REALM + "-realm.json"), json);
    Files.writeString(hashFile, hash);
  }

  // ---- small helpers ----

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void run(Duration timeout, String... command) throws IOException {
    Process p = new ProcessBuilder(command).inheritIO().start();
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: " + String.join(" ", command));
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("failed (" + p.exitValue() + "): " + String.join(" ", command));
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
