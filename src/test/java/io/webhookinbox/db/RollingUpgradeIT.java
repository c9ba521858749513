package io.webhookinbox.db;

import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.ProcessClient;
import io.webhookinbox.support.ServiceProcess;
import io.webhookinbox.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A rolling upgrade: the newer build's migration Job runs while this build's replicas serve. They stay ready and
 * keep taking deliveries on the newer (additively changed) schema, and a replica of this build that restarts
 * then, migrating on start, starts too: Flyway does not fail on a migration it does not know.
 */
@ExtendWith(PostgresExtension.class)
class RollingUpgradeIT {

  @Test
  void aNewerBuildsMigrationKeepsThisBuildReadyAndStartable(TestDatabase db, @TempDir Path dir) throws Exception {
    Path newer = Files.createDirectories(dir.resolve("newer-build"));
    Files.writeString(newer.resolve("V1000__newer_build_adds_a_column.sql"),
      "ALTER TABLE webhook_events ADD COLUMN newer_build_note text;\n");
    try (ProcessClient client = new ProcessClient();
         ServiceProcess running = ServiceProcess.start(ServiceProcess.workingDirectory(dir.resolve("old-1")),
           client.environment(db, Map.of("DB_MIGRATE_ON_START", "true"))).awaitListening()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> client.get("/health/ready").statusCode() == 200);

      Migrations.migrate(Migrations.configure(MigrationLocksTest.config(db))
        .locations("classpath:db/migration", "filesystem:" + newer));

      ProcessClient.Answer ready = client.get("/health/ready");
      assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
      assertThat(ready.body()).contains("\"schemaVersion\":\"1000\"");
      assertThat(client.postCisive(CisiveEvents.created("evt-upgrade-1", "ORD-UPGRADE-1"))).isEqualTo(200);

      running.terminate(Duration.ofSeconds(60));
      try (ServiceProcess restarted = ServiceProcess.start(ServiceProcess.workingDirectory(dir.resolve("old-2")),
        client.environment(db, Map.of("DB_MIGRATE_ON_START", "true"))).awaitListening()) {
        await().atMost(Duration.ofSeconds(30)).until(() -> client.get("/health/ready").statusCode() == 200);
        assertThat(client.postCisive(CisiveEvents.created("evt-upgrade-2", "ORD-UPGRADE-2"))).isEqualTo(200);
      }
    }
    assertThat(db.count("SELECT count(*) FROM webhook_events WHERE event_id LIKE 'evt-upgrade-%'")).isEqualTo(2);
  }
}
