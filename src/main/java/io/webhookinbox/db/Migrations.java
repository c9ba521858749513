package io.webhookinbox.db;

import io.webhookinbox.config.DatabaseConfig;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * Flyway migrations from {@code db/migration}. Blocking JDBC: run before the reactive pool exists.
 *
 * <p>Migrations are released: once a file has shipped it never changes (a test pins every checksum), and schema
 * changes are additive (expand, then contract in a later release once no running build needs the old shape), so
 * the previous build keeps working on a newer schema during a rolling upgrade. A migration this build does not
 * know (a newer build ran first) is not an error.
 */
public final class Migrations {
  /** The newest migration this build ships (a test keeps it equal to the newest file in db/migration). */
  public static final String LATEST_VERSION = "22";
  /**
   * A migration's lock wait: past it the migration gives up and is retried, instead of queueing in front of every
   * delivery while it waits behind a long transaction.
   */
  static final String LOCK_TIMEOUT = "5s";
  static final int ATTEMPTS = 6;
  private static final long FIRST_BACKOFF_MS = 1000;
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {
  }

  public static MigrateResult migrate(DatabaseConfig config) {
    return migrate(configure(config));
  }

  /**
   * The service's migrations, then each source's own (its tables), each source with a history table of its own
   * ({@code flyway_history_<source>}), so a source's version numbers never meet the service's.
   *
   * @param sourceLocations source name → classpath location of its migrations
   */
  public static MigrateResult migrate(DatabaseConfig config, Map<String, String> sourceLocations) {
    MigrateResult result = migrate(config);
    sourceLocations.forEach((source, location) -> migrate(configure(config)
      .locations("classpath:" + location)
      .table("flyway_history_" + source)
      // The schema holds the service's tables already: the source's history starts empty, at version 0.
      .baselineOnMigrate(true)
      .baselineVersion("0")));
    return result;
  }

  /** Migrates, retrying (with backoff) an attempt that gave up on a lock. */
  static MigrateResult migrate(FluentConfiguration configuration) {
    long backoffMs = FIRST_BACKOFF_MS;
    for (int attempt = 1; ; attempt++) {
      try {
        MigrateResult result = configuration.load().migrate();
        LOG.info("Database migrated: {} migration(s) applied, schema version {}", result.migrationsExecuted,
          result.targetSchemaVersion == null ? "unchanged" : result.targetSchemaVersion);
        return result;
      } catch (FlywayException e) {
        if (!lockNotAvailable(e) || attempt == ATTEMPTS) {
          throw e;
        }
        forgetFailedAttempt(configuration);
        LOG.warn("Migration attempt {} gave up waiting for a lock; retrying in {} ms", attempt, backoffMs);
        sleep(backoffMs);
        backoffMs *= 2;
      }
    }
  }

  /** Whether the installed schema {@code version} is this build's or newer (a newer build migrated already). */
  public static boolean atLeastLatest(String version) {
    return version != null
      && MigrationVersion.fromVersion(version).compareTo(MigrationVersion.fromVersion(LATEST_VERSION)) >= 0;
  }

  /** The highest of these schema versions (Flyway's ordering), null when there is none. */
  public static String newest(Iterable<String> versions) {
    MigrationVersion newest = null;
    for (String text : versions) {
      MigrationVersion version = MigrationVersion.fromVersion(text);
      newest = newest == null || version.compareTo(newest) > 0 ? version : newest;
    }
    return newest == null ? null : newest.getVersion();
  }

  static FluentConfiguration configure(DatabaseConfig config) {
    FluentConfiguration configuration = Flyway.configure()
      .dataSource(config.jdbcUrl() + "?options=" + URLEncoder.encode("-c lock_timeout=" + LOCK_TIMEOUT,
        StandardCharsets.UTF_8).replace("+", "%20"), config.user(), config.password())
      .locations("classpath:db/migration")
      .callbacks(new LeftoverIndexes(), new PartitionedIndexes())
      // Applied migrations newer than this build are a newer build's: not an error (rolling upgrades).
      .ignoreMigrationPatterns("*:future");
    // A transactional advisory lock keeps a transaction open, which CREATE INDEX CONCURRENTLY waits for forever.
    configuration.getConfigurationExtension(PostgreSQLConfigurationExtension.class).setTransactionalLock(false);
    return configuration;
  }

  /**
   * A migration that ran outside a transaction ({@code CONCURRENTLY}) and gave up is recorded as failed, which
   * would stop every later run. Its SQL is re-runnable ({@code IF NOT EXISTS}, and {@link LeftoverIndexes} drops
   * an index it left invalid), so the record goes. Validation passed before this attempt, which it does not with a
   * failed record, so every failed record is this attempt's.
   */
  private static void forgetFailedAttempt(FluentConfiguration configuration) {
    try (Connection connection = configuration.getDataSource().getConnection();
         Statement statement = connection.createStatement()) {
      statement.executeUpdate("DELETE FROM " + configuration.getTable() + " WHERE NOT success");
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot clear the failed migration attempt", e);
    }
  }

  private static boolean lockNotAvailable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && "55P03".equals(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting to retry a migration", e);
    }
  }
}
