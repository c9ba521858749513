package io.webhookinbox.config;

import io.vertx.core.json.JsonObject;

import java.nio.file.Path;

/**
 * PostgreSQL settings. An empty {@code host} means "no database configured": the service then starts an
 * embedded PostgreSQL whose data lives in {@code embeddedDataDir}, so a restart keeps everything.
 *
 * @param poolSize          the replica's pooled connections in total (see db.ConnectionBudget)
 * @param transactionPooler {@code host:port} is a transaction pooler (PgBouncer, pool_mode = transaction): no
 *                          prepared-statement cache and no session settings on those connections
 * @param directHost        PostgreSQL itself, for what needs a session (LISTEN, migrations); empty: {@code host}
 * @param directPort        its port; 0: {@code port}
 */
public record DatabaseConfig(String host, int port, String name, String user, String password, int poolSize,
                             int connectTimeoutMs, boolean migrateOnStart, Path embeddedDataDir, int embeddedPort,
                             boolean transactionPooler, String directHost, int directPort) {
  static DatabaseConfig from(JsonObject json) {
    String p = "database.";
    return new DatabaseConfig(
      Json.string(json, p, "host", "").trim(),
      Json.integer(json, p, "port", 5432, 1, 65535),
      Json.string(json, p, "name", "webhook_inbox"),
      Json.string(json, p, "user", "webhook_inbox"),
      Json.string(json, p, "password", ""),
      // The fixed pools (4), one retry and one delivery connection: see db.ConnectionBudget.
      Json.integer(json, p, "poolSize", 16, 6, 512),
      Json.integer(json, p, "connectTimeoutMs", 3000, 100, 60_000),
      Json.bool(json, p, "migrateOnStart", true),
      Path.of(Json.string(json, p, "embeddedDataDir", ".data/postgres")),
      Json.integer(json, p, "embeddedPort", 0, 0, 65535),
      Json.bool(json, p, "transactionPooler", false),
      Json.string(json, p, "directHost", "").trim(),
      Json.integer(json, p, "directPort", 0, 0, 65535));
  }

  public boolean embedded() {
    return host.isEmpty();
  }

  /** The same settings pointed at a server that is now known (used once the embedded server runs). */
  public DatabaseConfig connectingTo(String newHost, int newPort, String newName, String newUser, String newPassword) {
    return new DatabaseConfig(newHost, newPort, newName, newUser, newPassword, poolSize, connectTimeoutMs,
      migrateOnStart, embeddedDataDir, embeddedPort, false, "", 0);
  }

  /** PostgreSQL itself, for sessions: LISTEN and migrations never go through a transaction pooler. */
  public DatabaseConfig direct() {
    String h = directHost.isEmpty() ? host : directHost;
    int p = directPort == 0 ? port : directPort;
    return new DatabaseConfig(h, p, name, user, password, poolSize, connectTimeoutMs, migrateOnStart,
      embeddedDataDir, embeddedPort, false, "", 0);
  }

  /** The JDBC URL of PostgreSQL itself (see {@link #direct()}). */
  public String jdbcUrl() {
    DatabaseConfig direct = direct();
    return "jdbc:postgresql://" + direct.host() + ":" + direct.port() + "/" + name;
  }

  @Override
  public String toString() {
    // Never print the password.
    return "DatabaseConfig[host=" + host + ", port=" + port + ", name=" + name + ", user=" + user + ", poolSize="
      + poolSize + ", migrateOnStart=" + migrateOnStart + ", embeddedDataDir=" + embeddedDataDir
      + ", transactionPooler=" + transactionPooler + ", directHost=" + directHost + ", directPort=" + directPort + "]";
  }
}
