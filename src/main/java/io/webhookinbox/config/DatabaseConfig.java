package io.webhookinbox.config;

import io.vertx.core.json.JsonObject;

import java.nio.file.Path;

/**
 * PostgreSQL settings. An empty {@code host} means "no database configured": the service then starts an
 * embedded PostgreSQL whose data lives in {@code embeddedDataDir}, so a restart keeps everything.
 */
public record DatabaseConfig(String host, int port, String name, String user, String password, int poolSize,
                             int connectTimeoutMs, boolean migrateOnStart, Path embeddedDataDir, int embeddedPort) {
  static DatabaseConfig from(JsonObject json) {
    String p = "database.";
    return new DatabaseConfig(
      Json.string(json, p, "host", "").trim(),
      Json.integer(json, p, "port", 5432, 1, 65535),
      Json.string(json, p, "name", "webhook_inbox"),
      Json.string(json, p, "user", "webhook_inbox"),
      Json.string(json, p, "password", ""),
      Json.integer(json, p, "poolSize", 16, 1, 512),
      Json.integer(json, p, "connectTimeoutMs", 3000, 100, 60_000),
      Json.bool(json, p, "migrateOnStart", true),
      Path.of(Json.string(json, p, "embeddedDataDir", ".data/postgres")),
      Json.integer(json, p, "embeddedPort", 0, 0, 65535));
  }

  public boolean embedded() {
    return host.isEmpty();
  }

  /** The same settings pointed at a server that is now known (used once the embedded server runs). */
  public DatabaseConfig connectingTo(String newHost, int newPort, String newName, String newUser, String newPassword) {
    return new DatabaseConfig(newHost, newPort, newName, newUser, newPassword, poolSize, connectTimeoutMs,
      migrateOnStart, embeddedDataDir, embeddedPort);
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + name;
  }

  @Override
  public String toString() {
    // Never print the password.
    return "DatabaseConfig[host=" + host + ", port=" + port + ", name=" + name + ", user=" + user + ", poolSize="
      + poolSize + ", migrateOnStart=" + migrateOnStart + ", embeddedDataDir=" + embeddedDataDir + "]";
  }
}
