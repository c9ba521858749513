package io.webhookinbox.db;

import io.webhookinbox.config.DatabaseConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real PostgreSQL server from Maven-shipped binaries, for running without any database configured. Its data
 * directory is kept, so a restart finds every event again.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
  private static final String SUPERUSER = "postgres";

  private final EmbeddedPostgres server;

  private EmbeddedDatabase(EmbeddedPostgres server) {
    this.server = server;
  }

  /** Starts the server over {@code dataDir} (created on first use). Blocking: call it before Vert.x starts. */
  public static EmbeddedDatabase start(Path dataDir, int port) {
    try {
      Files.createDirectories(dataDir);
      EmbeddedPostgres server = EmbeddedPostgres.builder()
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        .setPort(port)
        .setServerConfig("max_connections", "300")
        // zonky starts servers for tests, with durability off; this one keeps events, so a 2xx must mean on disk.
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("full_page_writes", "on")
        // The service's own shutdown hook stops the server after draining; a hook of zonky's own would run at the
        // same time and pull the database from under requests still in flight.
        .setRegisterShutdownHook(false)
        .start();
      return new EmbeddedDatabase(server);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start embedded PostgreSQL in " + dataDir, e);
    }
  }

  /** Starts it for {@code config}, creates the configured database if missing, and returns where to connect. */
  public static EmbeddedDatabase startFor(DatabaseConfig config) {
    EmbeddedDatabase database = start(config.embeddedDataDir(), config.embeddedPort());
    database.createDatabaseIfMissing(config.name());
    LOG.info("No database configured (PG_HOST unset): started embedded PostgreSQL on 127.0.0.1:{} with data in {}",
      database.port(), config.embeddedDataDir().toAbsolutePath());
    return database;
  }

  public int port() {
    return server.getPort();
  }

  public DatabaseConfig connectionFor(DatabaseConfig config) {
    return config.connectingTo("127.0.0.1", port(), config.name(), SUPERUSER, "");
  }

  public void createDatabaseIfMissing(String name) {
    try (Connection connection = server.getPostgresDatabase().getConnection();
         Statement statement = connection.createStatement()) {
      try (ResultSet exists = statement.executeQuery(
        "SELECT 1 FROM pg_database WHERE datname = '" + name.replace("'", "''") + "'")) {
        if (exists.next()) {
          return;
        }
      }
      statement.execute("CREATE DATABASE \"" + name.replace("\"", "\"\"") + "\"");
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot create database " + name + " in embedded PostgreSQL", e);
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      LOG.warn("Embedded PostgreSQL did not stop cleanly", e);
    }
  }
}
