package io.webhookinbox.db;

import io.webhookinbox.config.DatabaseConfig;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Flyway migrations from {@code db/migration}. Blocking JDBC: run before the reactive pool exists. */
public final class Migrations {
  /** The newest migration this build ships (a test keeps it equal to the newest file in db/migration). */
  public static final String LATEST_VERSION = "6";
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {
  }

  public static MigrateResult migrate(DatabaseConfig config) {
    MigrateResult result = flyway(config).migrate();
    LOG.info("Database migrated: {} migration(s) applied, schema version {}", result.migrationsExecuted,
      result.targetSchemaVersion == null ? "unchanged" : result.targetSchemaVersion);
    return result;
  }

  private static Flyway flyway(DatabaseConfig config) {
    FluentConfiguration configuration = Flyway.configure()
      .dataSource(config.jdbcUrl(), config.user(), config.password())
      .locations("classpath:db/migration");
    // A transactional advisory lock keeps a transaction open, which CREATE INDEX CONCURRENTLY waits for forever.
    configuration.getConfigurationExtension(PostgreSQLConfigurationExtension.class).setTransactionalLock(false);
    return configuration.load();
  }
}
