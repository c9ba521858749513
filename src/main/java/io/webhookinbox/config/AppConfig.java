package io.webhookinbox.config;

import io.vertx.core.json.JsonObject;

import java.nio.file.Path;

/** The whole service configuration, read once at start-up and passed to each verticle. */
public record AppConfig(HttpConfig http, DatabaseConfig database, JwtConfig jwt, IngestConfig ingest,
                        RetryConfig retry, SchedulerConfig scheduler, Path devSecretFile, long configScanMs) {

  /** Builds the typed config; a missing section takes its defaults, a bad value throws with the key's name. */
  public static AppConfig from(JsonObject root) {
    return new AppConfig(
      HttpConfig.from(Json.section(root, "http")),
      DatabaseConfig.from(Json.section(root, "database")),
      JwtConfig.from(Json.section(root, "jwt")),
      IngestConfig.from(Json.section(root, "ingest")),
      RetryConfig.from(Json.section(root, "retry")),
      SchedulerConfig.from(Json.section(root, "scheduler")),
      Path.of(Json.string(Json.section(root, "jwt"), "jwt.", "devSecretFile", ".data/dev-jwt-secret")),
      Json.integer(Json.section(root, "config"), "config.", "scanIntervalMs", 2000, 100, 3_600_000));
  }

  public AppConfig withDatabase(DatabaseConfig newDatabase) {
    return new AppConfig(http, newDatabase, jwt, ingest, retry, scheduler, devSecretFile, configScanMs);
  }

  public AppConfig withJwt(JwtConfig newJwt) {
    return new AppConfig(http, database, newJwt, ingest, retry, scheduler, devSecretFile, configScanMs);
  }

  public AppConfig withHttp(HttpConfig newHttp) {
    return new AppConfig(newHttp, database, jwt, ingest, retry, scheduler, devSecretFile, configScanMs);
  }
}
