package io.webhookinbox;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a sender is stays in its folder: outside {@code sources/} and the composition root no source file names one,
 * so adding a sender never means editing the rest of the service; and nothing leans on Vert.x internals, which
 * change without notice in minor releases.
 */
class SourceBoundariesTest {
  private static final Path MAIN = Path.of("src/main/java/io/webhookinbox");
  private static final Pattern VENDOR = Pattern.compile("cisive|stripe");
  /** Files outside the sources allowed to name one anyway (at most three); none needs to today. */
  private static final Set<String> ALLOWED = Set.of();
  private static final Pattern VERTX_INTERNALS = Pattern.compile("^import\\s+(static\\s+)?io\\.vertx\\.[\\w.]*\\.(impl|internal)\\.",
    Pattern.MULTILINE);

  @Test
  void noFileOutsideTheSourcesAndTheRootNamesASender() throws IOException {
    List<String> naming = javaFiles()
      .filter(file -> !file.startsWith(MAIN.resolve("sources")) && !file.getParent().equals(MAIN))
      .filter(file -> VENDOR.matcher(read(file).toLowerCase(Locale.ROOT)).find())
      .map(file -> MAIN.relativize(file).toString())
      .filter(name -> !ALLOWED.contains(name))
      .toList();
    assertThat(ALLOWED).hasSizeLessThanOrEqualTo(3);
    assertThat(naming).as("files outside sources/ and the root that name a sender").isEmpty();
  }

  @Test
  void everySenderHasItsOwnFolder() throws IOException {
    try (Stream<Path> folders = Files.list(MAIN.resolve("sources"))) {
      assertThat(folders.map(folder -> folder.getFileName().toString())).containsExactlyInAnyOrder("cisive", "stripe");
    }
    assertThat(Sources.ALL).extracting(source -> source.name()).containsExactly("cisive", "stripe");
  }

  @Test
  void nothingImportsVertxInternals() throws IOException {
    List<String> importing = javaFiles().filter(file -> VERTX_INTERNALS.matcher(read(file)).find())
      .map(file -> MAIN.relativize(file).toString()).toList();
    assertThat(importing).isEmpty();
  }

  private static Stream<Path> javaFiles() throws IOException {
    try (Stream<Path> walk = Files.walk(MAIN)) {
      return walk.filter(file -> file.toString().endsWith(".java")).toList().stream();
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
