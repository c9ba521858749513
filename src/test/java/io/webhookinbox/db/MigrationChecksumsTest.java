package io.webhookinbox.db;

import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Released migrations never change: a database migrated by an earlier build must validate against this one. Each
 * checksum is Flyway's own, read back from a database it migrated. A new migration is added here once, when it is
 * written; a failure here means a released file was edited: restore it and put the change in a new migration.
 */
@ExtendWith(PostgresExtension.class)
class MigrationChecksumsTest {
  static final Map<String, Integer> RELEASED = Map.ofEntries(
    Map.entry("1", -1511314361),
    Map.entry("2", -1784151364),
    Map.entry("3", -203227991),
    Map.entry("4", -1507700521),
    Map.entry("5", 249226661),
    Map.entry("6", -893649712),
    Map.entry("7", 102627214),
    Map.entry("8", 60028032),
    Map.entry("9", 2063339609),
    Map.entry("10", 2083660953),
    Map.entry("11", 764355919),
    Map.entry("12", -18598010),
    Map.entry("13", -298043845),
    Map.entry("20", 1466339224),
    Map.entry("21", -1301537612),
    Map.entry("22", 292316069));

  @Test
  void everyMigrationIsPinnedAndUnchanged(TestDatabase db) throws IOException {
    Map<String, Integer> applied = new TreeMap<>();
    db.query("SELECT version, checksum FROM flyway_schema_history WHERE version IS NOT NULL")
      .forEach(row -> applied.put(row.getString("version"), row.getInteger("checksum")));
    assertThat(applied).isEqualTo(new TreeMap<>(RELEASED));

    try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
      assertThat(files.map(file -> file.getFileName().toString())
        .map(name -> name.substring(1, name.indexOf("__"))).collect(Collectors.toSet()))
        .isEqualTo(RELEASED.keySet());
    }
  }
}
