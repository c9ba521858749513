package io.webhookinbox.support;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Programs the tests drive but never install (promtool, prometheus, podman): .ci/run installs their Debian packages.
 * A missing one skips the test, with a line saying so, so it shows as skipped and never as passed.
 */
public final class ExternalTools {
  private ExternalTools() {
  }

  /** The program on PATH, or the test is aborted (skipped) with a printed reason. */
  public static Path require(String program, String debianPackage) {
    return find(program).orElseGet(() -> skip(program + " is not installed (CI installs it as root: apt-get install -y "
      + debianPackage + ")"));
  }

  public static Optional<Path> find(String program) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
      .filter(dir -> !dir.isBlank())
      .map(dir -> Path.of(dir, program))
      .filter(Files::isExecutable)
      .findFirst();
  }

  /** Skips the current test with {@code reason}, printed where a build log shows it. */
  public static <T> T skip(String reason) {
    System.out.println("SKIPPED: " + reason);
    Assumptions.abort(reason);
    throw new AssertionError("unreachable");
  }

  /** Exit code and combined output of a bounded run. */
  public record Result(int exit, String output) {
  }

  /** Runs a command to completion in {@code dir}, killing it after {@code timeout}. */
  public static Result run(Path dir, Duration timeout, List<String> command) {
    try {
      Path log = Files.createTempFile(dir, "command", ".log");
      Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError(command + " did not finish within " + timeout + ":\n" + Files.readString(log));
      }
      return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
