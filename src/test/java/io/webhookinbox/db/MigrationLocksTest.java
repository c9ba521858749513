package io.webhookinbox.db;

import io.webhookinbox.Sources;
import io.vertx.core.json.JsonObject;
import io.webhookinbox.config.DatabaseConfig;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.TestDatabase;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A migration that needs a table lock while a long transaction reads the table: it gives up after its
 * {@code lock_timeout} instead of queueing in front of every other session, and is retried until it gets through.
 */
@ExtendWith(PostgresExtension.class)
class MigrationLocksTest {

  @Test
  void aMigrationWaitingForALockLetsOtherSessionsThroughAndIsRetried(TestDatabase db, @TempDir Path dir)
    throws Exception {
    Files.writeString(dir.resolve("V1000__newer_build_adds_a_column.sql"),
      "ALTER TABLE webhook_events ADD COLUMN newer_build_note text;\n");
    DatabaseConfig config = config(db);
    try (Connection reader = db.connect(); Statement statement = reader.createStatement()) {
      reader.setAutoCommit(false);
      statement.execute("SELECT count(*) FROM webhook_events");
      CompletableFuture<MigrateResult> migration = CompletableFuture.supplyAsync(() -> Migrations.migrate(
        Migrations.configure(config).locations("classpath:db/migration", "filesystem:" + dir)));
      await().atMost(Duration.ofSeconds(30))
        .until(() -> db.count("SELECT count(*) FROM pg_locks WHERE NOT granted AND mode = 'AccessExclusiveLock'") > 0);

      // Queued behind the waiting ALTER TABLE, a reader waits at most the migration's lock_timeout, not until the
      // long transaction ends.
      try (Connection other = db.connect(); Statement query = other.createStatement()) {
        query.execute("SET lock_timeout = '15s'");
        query.execute("SELECT count(*) FROM webhook_events");
      }
      assertThat(migration).isNotDone();
      reader.rollback();
      assertThat(migration.get(60, TimeUnit.SECONDS).migrationsExecuted).isEqualTo(1);
    }
    assertThat(db.count("SELECT count(*) FROM information_schema.columns WHERE table_name = 'webhook_events'"
      + " AND column_name = 'newer_build_note'")).isEqualTo(1);
  }

  static DatabaseConfig config(TestDatabase db) {
    return Sources.config(new JsonObject().put("database", db.configJson())
      .put("jwt", new JsonObject().put("issuer", "i").put("audience", "a"))).database();
  }
}
