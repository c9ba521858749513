package io.webhookinbox.db;

import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.TestDatabase;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * V5 builds an index CONCURRENTLY. A build that gives up (here: its lock_timeout, waiting for a long transaction)
 * leaves an INVALID index under the final name and a failed migration behind; {@code IF NOT EXISTS} alone would
 * then skip the rebuild and keep only the invalid index. The retry removes the failed entry and the leftover, so
 * the rerun builds a valid index.
 */
class ConcurrentIndexRerunTest {
  private final TestDatabase db = PostgresExtension.createEmptyDatabase("index_rerun");

  @AfterEach
  void drop() {
    PostgresExtension.dropDatabase(db);
  }

  @Test
  void anIndexBuildThatGaveUpIsRebuiltValidOnTheRetry() throws Exception {
    Migrations.migrate(Migrations.configure(MigrationLocksTest.config(db)).target("4"));
    CompletableFuture<MigrateResult> migration;
    try (Connection writer = db.connect(); Statement statement = writer.createStatement()) {
      writer.setAutoCommit(false);
      // A transaction that wrote to the table: CREATE INDEX CONCURRENTLY waits for it to end.
      statement.execute("UPDATE webhook_events SET status = status WHERE false");
      statement.execute("SELECT txid_current()");
      migration = CompletableFuture.supplyAsync(() -> Migrations.migrate(MigrationLocksTest.config(db)));
      await().atMost(Duration.ofSeconds(60)).until(() -> db.count("SELECT count(*) FROM pg_index i"
        + " JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'webhook_events_received_id_idx'"
        + " AND NOT i.indisvalid") == 1 && db.count("SELECT count(*) FROM pg_stat_progress_create_index") == 0);
      writer.rollback();
    }

    assertThat(migration.get(90, TimeUnit.SECONDS).success).isTrue();
    assertThat(db.one("SELECT i.indisvalid AS valid, pg_get_indexdef(i.indexrelid) AS definition FROM pg_index i"
      + " JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'webhook_events_received_id_idx'").encode())
      .contains("\"valid\":true").contains("(received_at DESC, id DESC)");
    assertThat(db.count("SELECT count(*) FROM flyway_schema_history WHERE NOT success")).isZero();
    assertThat(db.one("SELECT max(version::int) AS v FROM flyway_schema_history").getInteger("v"))
      .isEqualTo(Integer.parseInt(Migrations.LATEST_VERSION));
  }
}
