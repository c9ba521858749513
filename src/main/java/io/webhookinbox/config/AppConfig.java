package io.webhookinbox.config;

import io.vertx.core.json.JsonObject;

import java.nio.file.Path;

/**
 * The whole service configuration, read once at start-up and passed to each verticle.
 *
 * @param development no database was configured (the embedded one runs): a developer's machine, where a generated
 *                    token secret and unsigned Stripe deliveries are allowed ({@link ProductionSafety})
 */
public record AppConfig(HttpConfig http, ManagementConfig management, DatabaseConfig database, JwtConfig jwt,
                        IngestConfig ingest, SourcesConfig sources, LimitsConfig limits, RetentionConfig retention,
                        JsonObject runtime, Path devSecretFile, long configScanMs, boolean development) {

  /** Builds the typed config; a missing section takes its defaults, a bad value throws with the key's name. */
  public static AppConfig from(JsonObject root) {
    HttpConfig http = HttpConfig.from(Json.section(root, "http"));
    DatabaseConfig database = databaseOf(root);
    return new AppConfig(
      http,
      ManagementConfig.from(Json.section(root, "management"), http),
      database,
      JwtConfig.from(Json.section(root, "jwt")),
      IngestConfig.from(Json.section(root, "ingest")),
      SourcesConfig.from(root),
      LimitsConfig.from(root),
      RetentionConfig.from(Json.section(root, "retention")),
      runtimeSections(root),
      Path.of(Json.string(Json.section(root, "jwt"), "jwt.", "devSecretFile", ".data/dev-jwt-secret")),
      Json.integer(Json.section(root, "config"), "config.", "scanIntervalMs", 2000, 100, 3_600_000),
      database.embedded());
  }

  /** The database settings alone: what {@code migrate} needs, without the rest of the service's settings. */
  public static DatabaseConfig databaseOf(JsonObject root) {
    return DatabaseConfig.from(Json.section(root, "database"));
  }

  /** The sections that may change at run time, as given; validated here so a bad file stops start-up. */
  private static JsonObject runtimeSections(JsonObject root) {
    JsonObject runtime = new JsonObject();
    for (String section : RuntimeSettings.SECTIONS) {
      runtime.put(section, Json.section(root, section).copy());
    }
    new RuntimeSettings(runtime);
    return runtime;
  }

  public RetryConfig retry() {
    return RetryConfig.from(runtime.getJsonObject("retry"));
  }

  public SchedulerConfig scheduler() {
    return SchedulerConfig.from(runtime.getJsonObject("scheduler"));
  }

  /** The same settings, stored in {@code newDatabase} (the embedded server once it runs): still development. */
  public AppConfig withDatabase(DatabaseConfig newDatabase) {
    return new AppConfig(http, management, newDatabase, jwt, ingest, sources, limits, retention, runtime,
      devSecretFile, configScanMs, development);
  }

  public AppConfig withJwt(JwtConfig newJwt) {
    return new AppConfig(http, management, database, newJwt, ingest, sources, limits, retention, runtime,
      devSecretFile, configScanMs, development);
  }
}
