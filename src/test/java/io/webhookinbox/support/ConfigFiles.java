package io.webhookinbox.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Config files written as operators' tools write them. */
public final class ConfigFiles {
  private ConfigFiles() {
  }

  /**
   * Replaces {@code file} in one step, as an editor or a ConfigMap update does, so a scan never reads half of it;
   * readable by every user (a container's service user among them).
   */
  public static void replaceAtomically(Path file, String content) throws IOException {
    Path next = Files.writeString(file.resolveSibling(file.getFileName() + ".next"), content);
    Files.setPosixFilePermissions(next, PosixFilePermissions.fromString("rw-r--r--"));
    Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
