package io.webhookinbox.support;

import io.webhookinbox.Sources;
import io.webhookinbox.db.Migrations;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real PostgreSQL for tests, from the first source that answers: the server named by {@code TEST_DATABASE_URL}
 * (e.g. {@code postgresql://postgres:secret@localhost:5432/postgres}), a Testcontainers container when a Docker
 * engine answers, or an embedded server from Maven-shipped binaries. One server per test run; each test class
 * gets a fresh, migrated database of its own, injected as a {@link TestDatabase} parameter.
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  public static final String URL_ENV = "TEST_DATABASE_URL";
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static Server server;

  /** Where the admin connection goes; {@code close} stops what this run started. */
  private record Server(String host, int port, String adminDatabase, String user, String password, String kind,
                        AutoCloseable owned) {
    Connection admin() throws SQLException {
      return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + adminDatabase, user, password);
    }
  }

  public static synchronized TestDatabase createDatabase(String hint) {
    return createDatabase(hint, "");
  }

  /** A migrated database created with {@code options} ({@code CREATE DATABASE name <options>}). */
  public static synchronized TestDatabase createDatabase(String hint, String options) {
    TestDatabase database = createEmptyDatabase(hint, options);
    Migrations.migrate(Sources.config(new JsonObject().put("database", database.configJson())
      .put("jwt", new JsonObject().put("issuer", "i").put("audience", "a"))).database());
    return database;
  }

  /** A database without the schema, for tests of the migrations themselves; drop it with {@link #dropDatabase}. */
  public static synchronized TestDatabase createEmptyDatabase(String hint) {
    return createEmptyDatabase(hint, "");
  }

  private static TestDatabase createEmptyDatabase(String hint, String options) {
    Server s = server();
    String name = ("t_" + hint.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_") + "_" + SEQUENCE.incrementAndGet());
    name = name.length() > 60 ? name.substring(name.length() - 60) : name;
    try (Connection admin = s.admin(); Statement statement = admin.createStatement()) {
      statement.execute("CREATE DATABASE " + name + (options.isEmpty() ? "" : " " + options));
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot create test database on " + s.kind(), e);
    }
    return new TestDatabase(s.host(), s.port(), name, s.user(), s.password());
  }

  /** A database made earlier on the same server (benchmarks that reuse what they loaded). */
  public static synchronized TestDatabase existingDatabase(String name) {
    Server s = server();
    return new TestDatabase(s.host(), s.port(), name, s.user(), s.password());
  }

  public static synchronized void dropDatabase(TestDatabase database) {
    try (Connection admin = server().admin(); Statement statement = admin.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS " + database.name() + " WITH (FORCE)");
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot drop " + database.name(), e);
    }
  }

  private static synchronized Server server() {
    if (server == null) {
      server = start();
      Server started = server;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          if (started.owned() != null) {
            started.owned().close();
          }
        } catch (Exception e) {
          // the JVM is exiting anyway
        }
      }));
    }
    return server;
  }

  private static Server start() {
    String url = System.getenv(URL_ENV);
    if (url != null && !url.isBlank()) {
      URI uri = URI.create(url);
      String[] userInfo = uri.getUserInfo() == null ? new String[] {"postgres", ""} : uri.getUserInfo().split(":", 2);
      String database = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
      return new Server(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 5432, database, userInfo[0],
        userInfo.length > 1 ? userInfo[1] : "", "external " + URL_ENV, null);
    }
    if (dockerAnswers()) {
      PostgreSQLContainer container = new PostgreSQLContainer("postgres:17-alpine");
      container.start();
      return new Server(container.getHost(), container.getFirstMappedPort(), container.getDatabaseName(),
        container.getUsername(), container.getPassword(), "Testcontainers", container::stop);
    }
    try {
      EmbeddedPostgres embedded = EmbeddedPostgres.builder().setServerConfig("max_connections", "300").start();
      return new Server("127.0.0.1", embedded.getPort(), "postgres", "postgres", "", "embedded", embedded);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start embedded PostgreSQL", e);
    }
  }

  private static boolean dockerAnswers() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    store(context).put(TestDatabase.class, createDatabase(context.getRequiredTestClass().getSimpleName()));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    TestDatabase database = store(context).remove(TestDatabase.class, TestDatabase.class);
    if (database != null) {
      dropDatabase(database);
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestDatabase.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return database(context);
  }

  /** The database the extension made for the class of {@code context} (for other extensions). */
  public static TestDatabase database(ExtensionContext context) {
    TestDatabase database = store(context).get(TestDatabase.class, TestDatabase.class);
    if (database == null) {
      throw new IllegalStateException("No test database: register PostgresExtension on the class first");
    }
    return database;
  }

  /** Stores are hierarchical: a test method's context finds what its class context put. */
  private static ExtensionContext.Store store(ExtensionContext context) {
    return context.getStore(ExtensionContext.Namespace.create(PostgresExtension.class));
  }
}
