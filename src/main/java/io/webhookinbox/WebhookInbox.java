package io.webhookinbox;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.webhookinbox.config.AppConfig;
import io.webhookinbox.config.ConfigLoader;
import io.webhookinbox.config.DatabaseConfig;
import io.webhookinbox.config.ProductionSafety;
import io.webhookinbox.config.SettingsReference;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.webhookinbox.db.EmbeddedDatabase;
import io.webhookinbox.db.Migrations;
import io.webhookinbox.security.DevSecret;
import io.webhookinbox.security.TokenMinter;
import io.webhookinbox.telemetry.Logs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point: {@code serve} (default) runs the service, {@code migrate} applies the schema and exits (for a
 * Kubernetes Job), {@code token} prints a development JWT.
 */
public final class WebhookInbox {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookInbox.class);

  private WebhookInbox() {
  }

  public static void main(String[] args) {
    String command = args.length == 0 ? "serve" : args[0];
    List<String> rest = args.length == 0 ? List.of() : Arrays.asList(args).subList(1, args.length);
    try {
      switch (command) {
        case "serve" -> serve();
        case "migrate" -> {
          migrate();
          Logs.flush();
        }
        case "token" -> {
          System.out.println(token(loadConfig(), rest));
          Logs.flush();
        }
        case "settings" -> {
          System.out.print(SettingsReference.markdownTable(Sources.registry(Sources.ALL)));
          Logs.flush();
        }
        default -> {
          System.err.println("usage: java -jar webhook-inbox.jar [serve | migrate | settings | token [--sub S] [--scope \"A B\"] [--ttl SECONDS]]");
          System.exit(2);
        }
      }
    } catch (RuntimeException e) {
      LOG.error("{} failed: {}", command, e.getMessage(), e);
      Logs.flush();
      System.exit(1);
    }
  }

  /**
   * Reads conf/config.yaml (or CONFIG_FILE) with environment overrides, once; in development (no database
   * configured) a missing token key becomes the generated development secret.
   */
  static AppConfig loadConfig() {
    AppConfig config = AppConfig.from(readConfig(), Sources.registry(Sources.ALL));
    return config.development() ? DevSecret.applyIfNoKeys(config) : config;
  }

  private static JsonObject readConfig() {
    // No file cache: migrate runs in a container whose root file system is read-only.
    Vertx vertx = Vertx.vertx(new VertxOptions().setFileSystemOptions(new FileSystemOptions()
      .setFileCachingEnabled(false).setClassPathResolvingEnabled(false)));
    Path file = ConfigLoader.configFile();
    try {
      // A file that is there must parse: vertx-config would take one that is not YAML as empty, and start on defaults.
      return ConfigLoader.retriever(vertx, file, Sources.registry(Sources.ALL), true, Files.exists(file))
        .getConfig().await();
    } catch (RuntimeException e) {
      throw ConfigLoader.withoutFileText(file, e);
    } finally {
      vertx.close().await();
    }
  }

  private static void serve() {
    AppConfig config = loadConfig();
    ProductionSafety.require(config);
    EmbeddedDatabase embedded = config.database().embedded() ? EmbeddedDatabase.startFor(config.database()) : null;
    AppConfig effective = embedded == null ? config : config.withDatabase(embedded.connectionFor(config.database()));
    if (effective.database().migrateOnStart()) {
      Migrations.migrate(effective.database(), Sources.migrations(Sources.ALL));
    }
    InboxServer server = InboxServer.start(effective, ConfigLoader.configFile()).await();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("Shutdown requested");
      server.shutdown(Duration.ofMillis(effective.limits().drainTimeoutMs()));
      if (embedded != null) {
        embedded.close();
      }
      Logs.flush();
    }, "shutdown"));
  }

  /** Needs the database settings only, and writes nothing but the schema (a Job with a read-only file system). */
  private static void migrate() {
    DatabaseConfig database = AppConfig.databaseOf(readConfig());
    if (database.embedded()) {
      try (EmbeddedDatabase embedded = EmbeddedDatabase.startFor(database)) {
        Migrations.migrate(embedded.connectionFor(database), Sources.migrations(Sources.ALL));
      }
    } else {
      Migrations.migrate(database, Sources.migrations(Sources.ALL));
    }
  }

  static String token(AppConfig config, List<String> args) {
    String subject = "cisive-dev";
    String scope = "webhooks:ingest webhooks:read webhooks:admin";
    int ttl = 3600;
    for (int i = 0; i + 1 < args.size(); i += 2) {
      switch (args.get(i)) {
        case "--sub" -> subject = args.get(i + 1);
        case "--scope" -> scope = args.get(i + 1);
        case "--ttl" -> ttl = Integer.parseInt(args.get(i + 1));
        default -> throw new IllegalArgumentException("unknown option " + args.get(i));
      }
    }
    Vertx vertx = Vertx.vertx();
    try {
      return TokenMinter.mint(vertx, config.jwt(), subject, List.of(scope.trim().split("\\s+")), ttl);
    } finally {
      vertx.close().await();
    }
  }
}
