package io.webhookinbox.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The packaged service as a real OS process ({@code java -jar target/webhook-inbox.jar}), started the way the
 * README says, in a working directory of the test's own. Its output is kept for assertions.
 */
public final class ServiceProcess implements AutoCloseable {
  public static final Path JAR = Path.of("target/webhook-inbox.jar").toAbsolutePath();
  public static final List<String> SCRUBBED_ENV = List.of("PG_HOST", "PG_PORT", "PG_DATABASE", "PG_USER",
    "PG_PASSWORD", "JWT_ISSUER", "JWT_AUDIENCE", "JWT_HMAC_SECRET", "JWT_PUBLIC_KEYS", "CONFIG_FILE", "HTTP_PORT",
    "MANAGEMENT_PORT", "MANAGEMENT_OPERATOR_API", "STRIPE_WEBHOOK_SECRETS", "CISIVE_WEBHOOK_SECRETS",
    "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_TRACES_SAMPLER", "OTEL_SDK_DISABLED");
  private static final AtomicInteger LOGS = new AtomicInteger();

  private final Process process;
  private final Path log;

  private ServiceProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** A working directory holding the shipped {@code conf/config.yaml}, as a fresh clone would. */
  public static Path workingDirectory(Path dir) {
    try {
      Files.createDirectories(dir.resolve("conf"));
      Files.copy(Path.of("conf/config.yaml"), dir.resolve("conf/config.yaml"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ServiceProcess start(Path workDir, Map<String, String> env, String... args) {
    return startJar(JAR, workDir, env, args);
  }

  /** Another build's jar (an earlier release), started the same way. */
  public static ServiceProcess startJar(Path jar, Path workDir, Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>(List.of(javaBinary(), "-jar", jar.toString()));
    command.addAll(List.of(args));
    return startCommand(workDir, env, command);
  }

  /** Any command (e.g. {@code bash -c …}) with the same scrubbed environment and output file. */
  public static ServiceProcess startCommand(Path workDir, Map<String, String> env, List<String> command) {
    // Output goes to a file: reading a child's pipe while it exits can lose its last lines (the JDK closes the
    // pipe under a concurrent reader), and the last lines are the shutdown sequence.
    Path log = workDir.resolve("process-" + LOGS.incrementAndGet() + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
      .redirectOutput(log.toFile());
    SCRUBBED_ENV.forEach(builder.environment()::remove);
    builder.environment().putAll(env);
    try {
      return new ServiceProcess(builder.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs a one-shot command ({@code token}, {@code migrate}) to completion; returns its output. */
  public static List<String> run(Path workDir, Map<String, String> env, String... args) {
    try (ServiceProcess command = start(workDir, env, args)) {
      int exit = command.waitForExit(Duration.ofSeconds(90));
      if (exit != 0) {
        throw new AssertionError("command " + List.of(args) + " exited " + exit + ":\n" + String.join("\n", command.output()));
      }
      return command.output();
    }
  }

  public String awaitLine(Predicate<String> matcher, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : output()) {
        if (matcher.test(line)) {
          return line;
        }
      }
      if (!process.isAlive()) {
        throw new AssertionError("service exited " + process.exitValue() + " before the expected line:\n"
          + String.join("\n", output()));
      }
      try {
        // Polls a log file written by another process: there is no event to await.
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("no matching line within " + timeout + ":\n" + String.join("\n", output()));
  }

  public ServiceProcess awaitListening() {
    awaitLine(line -> line.contains("Webhook Inbox listening"), Duration.ofSeconds(90));
    return this;
  }

  public Process process() {
    return process;
  }

  /** Sends SIGTERM (what Kubernetes sends) and waits for the exit code. */
  public int terminate(Duration timeout) {
    process.destroy();
    return waitForExit(timeout);
  }

  public int waitForExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("process did not exit within " + timeout + ":\n" + String.join("\n", output()));
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** Every line the process wrote so far. */
  public List<String> output() {
    try {
      return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
