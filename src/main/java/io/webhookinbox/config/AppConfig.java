package io.webhookinbox.config;

import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.List;

/**
 * The whole service configuration, read once at start-up and passed to each verticle.
 *
 * @param root        the configuration as given (environment applied): each source reads its own section from it
 *                    with the settings it declares
 * @param development no database was configured (the embedded one runs): a developer's machine, where a generated
 *                    token secret and unsigned deliveries are allowed ({@link ProductionSafety})
 */
public record AppConfig(HttpConfig http, ManagementConfig management, DatabaseConfig database, JwtConfig jwt,
                        IngestConfig ingest, LimitsConfig limits, RetentionConfig retention, TracingConfig tracing,
                        ConsoleConfig console,
                        JsonObject runtime, Path devSecretFile, long configScanMs, boolean development,
                        JsonObject root, Registry registry) {
  static final Setting<Integer> SCAN_INTERVAL = Setting.integer("config.scanIntervalMs", 2000, 100, 3_600_000)
    .unit("ms").doc("How often this file is rescanned for retry, scheduler and webhooks edits");
  static final List<Setting<?>> SETTINGS = List.of(SCAN_INTERVAL);

  /** Builds the typed config; a missing section takes its defaults, a bad value throws with the key's name. */
  public static AppConfig from(JsonObject root, Registry registry) {
    HttpConfig http = HttpConfig.from(root);
    DatabaseConfig database = databaseOf(root);
    AppConfig config = new AppConfig(http, ManagementConfig.from(root, http), database, JwtConfig.from(root),
      IngestConfig.from(root), LimitsConfig.from(root), RetentionConfig.from(root), TracingConfig.from(root),
      ConsoleConfig.from(root, database.embedded()), runtimeSections(root),
      Path.of(JwtConfig.DEV_SECRET_FILE.read(root)), SCAN_INTERVAL.read(root), database.embedded(), root.copy(),
      registry);
    // Every setting is read once here, the sources' too, so a bad value anywhere stops start-up with its key.
    registry.settings().forEach(setting -> setting.read(root));
    new RuntimeSettings(config.runtime, registry, false);
    return config;
  }

  /** The database settings alone: what {@code migrate} needs, without the rest of the service's settings. */
  public static DatabaseConfig databaseOf(JsonObject root) {
    return DatabaseConfig.from(root);
  }

  /** The sections that may change at run time, as given. */
  private static JsonObject runtimeSections(JsonObject root) {
    JsonObject runtime = new JsonObject();
    for (String section : RuntimeSettings.SECTIONS) {
      runtime.put(section, Json.section(root, section).copy());
    }
    return runtime;
  }

  /** The run-time settings this configuration starts with (signatures required outside development). */
  public RuntimeSettings runtimeSettings() {
    return new RuntimeSettings(runtime, registry, !development);
  }

  public RetryConfig retry() {
    return RetryConfig.from(runtime);
  }

  public SchedulerConfig scheduler() {
    return SchedulerConfig.from(runtime);
  }

  /** The same settings, stored in {@code newDatabase} (the embedded server once it runs): still development. */
  public AppConfig withDatabase(DatabaseConfig newDatabase) {
    return new AppConfig(http, management, newDatabase, jwt, ingest, limits, retention, tracing, console, runtime,
      devSecretFile, configScanMs, development, root, registry);
  }

  public AppConfig withJwt(JwtConfig newJwt) {
    return new AppConfig(http, management, database, newJwt, ingest, limits, retention, tracing, console, runtime,
      devSecretFile, configScanMs, development, root, registry);
  }

  /** The typed parts (which never print secrets); the raw tree is left out, since it holds them. */
  @Override
  public String toString() {
    return "AppConfig[http=" + http + ", management=" + management + ", database=" + database + ", jwt=" + jwt
      + ", ingest=" + ingest + ", limits=" + limits + ", retention=" + retention + ", tracing=" + tracing
      + ", development=" + development + "]";
  }
}
