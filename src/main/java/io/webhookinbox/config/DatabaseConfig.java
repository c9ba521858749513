package io.webhookinbox.config;

import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.List;

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
  static final Setting<String> HOST = Setting.text("database.host", "").env("PG_HOST")
    .doc("PostgreSQL host; empty = start embedded PostgreSQL with its data in database.embeddedDataDir");
  static final Setting<Integer> PORT = Setting.integer("database.port", 5432, 1, 65535).env("PG_PORT")
    .doc("PostgreSQL port");
  static final Setting<String> NAME = Setting.text("database.name", "webhook_inbox").env("PG_DATABASE")
    .doc("Database name");
  static final Setting<String> USER = Setting.text("database.user", "webhook_inbox").env("PG_USER")
    .doc("Database user");
  static final Setting<String> PASSWORD = Setting.text("database.password", "").env("PG_PASSWORD")
    .secret(value -> ProductionSafety.placeholder(value) ? "is a placeholder" : null).doc("Database password");
  // The fixed pools (4), one retry and one delivery connection: see db.ConnectionBudget.
  static final Setting<Integer> POOL_SIZE = Setting.integer("database.poolSize", 16, 6, 512).env("PG_POOL_SIZE")
    .unit("connections").doc("The replica's pooled connections in total, plus 2 LISTEN connections");
  static final Setting<Integer> CONNECT_TIMEOUT = Setting.integer("database.connectTimeoutMs", 3000, 100, 60_000)
    .unit("ms").doc("Longest wait for a new connection");
  static final Setting<Boolean> MIGRATE_ON_START = Setting.flag("database.migrateOnStart", true)
    .env("DB_MIGRATE_ON_START").doc("Apply the schema migrations at start-up (off where a Job migrates)");
  static final Setting<String> EMBEDDED_DATA_DIR = Setting.text("database.embeddedDataDir", ".data/postgres")
    .env("EMBEDDED_PG_DATA_DIR").doc("Data folder of the embedded PostgreSQL (kept across restarts)");
  static final Setting<Integer> EMBEDDED_PORT = Setting.integer("database.embeddedPort", 0, 0, 65535)
    .doc("Port of the embedded PostgreSQL; 0 = any free port");
  static final Setting<Boolean> TRANSACTION_POOLER = Setting.flag("database.transactionPooler", false)
    .env("PG_TRANSACTION_POOLER").doc("host:port is a transaction pooler (PgBouncer, pool_mode = transaction)");
  static final Setting<String> DIRECT_HOST = Setting.text("database.directHost", "").env("PG_DIRECT_HOST")
    .doc("PostgreSQL itself, for LISTEN and migrations behind a pooler; empty = database.host");
  static final Setting<Integer> DIRECT_PORT = Setting.integer("database.directPort", 0, 0, 65535)
    .env("PG_DIRECT_PORT").doc("Its port; 0 = database.port");
  static final List<Setting<?>> SETTINGS = List.of(HOST, PORT, NAME, USER, PASSWORD, POOL_SIZE, CONNECT_TIMEOUT,
    MIGRATE_ON_START, EMBEDDED_DATA_DIR, EMBEDDED_PORT, TRANSACTION_POOLER, DIRECT_HOST, DIRECT_PORT);

  static DatabaseConfig from(JsonObject root) {
    return new DatabaseConfig(HOST.read(root).trim(), PORT.read(root), NAME.read(root), USER.read(root),
      PASSWORD.read(root), POOL_SIZE.read(root), CONNECT_TIMEOUT.read(root), MIGRATE_ON_START.read(root),
      Path.of(EMBEDDED_DATA_DIR.read(root)), EMBEDDED_PORT.read(root), TRANSACTION_POOLER.read(root),
      DIRECT_HOST.read(root).trim(), DIRECT_PORT.read(root));
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
