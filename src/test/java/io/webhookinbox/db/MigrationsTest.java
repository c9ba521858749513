package io.webhookinbox.db;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Readiness compares the database with {@link Migrations#LATEST_VERSION}; it must name the newest migration. */
class MigrationsTest {

  @Test
  void latestVersionIsTheNewestMigrationFile() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
      int newest = files.map(file -> file.getFileName().toString())
        .filter(name -> name.matches("V\\d+__.+\\.sql"))
        .mapToInt(name -> Integer.parseInt(name.substring(1, name.indexOf("__"))))
        .max().orElseThrow();
      assertThat(Migrations.LATEST_VERSION).isEqualTo(String.valueOf(newest));
    }
  }
}
