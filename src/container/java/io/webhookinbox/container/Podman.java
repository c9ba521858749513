package io.webhookinbox.container;

import io.webhookinbox.support.ExternalTools;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The podman CLI with the settings these machines need (runc; CONTAINERS_CONF comes from the build). */
final class Podman {
  private final Path binary;
  private final Path workDir;

  Podman(Path binary, Path workDir) {
    this.binary = binary;
    this.workDir = workDir;
  }

  /** Runs {@code podman args…} to completion within {@code timeout}. */
  ExternalTools.Result run(Duration timeout, List<String> args) {
    List<String> command = new ArrayList<>(List.of(binary.toString(), "--runtime", "runc"));
    command.addAll(args);
    return ExternalTools.run(workDir, timeout, command);
  }

  ExternalTools.Result run(String... args) {
    return run(Duration.ofSeconds(60), List.of(args));
  }

  /** Output of a command that must succeed, trimmed. */
  String check(String... args) {
    ExternalTools.Result result = run(args);
    if (result.exit() != 0) {
      throw new AssertionError("podman " + String.join(" ", args) + " exited " + result.exit() + ":\n" + result.output());
    }
    return result.output().trim();
  }
}
