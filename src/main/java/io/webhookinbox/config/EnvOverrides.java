package io.webhookinbox.config;

import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Environment variables that override keys of {@code conf/config.yaml}. vertx-config's env store puts them
 * at the top level of the merged config; {@link #apply} moves each to its place in the tree.
 */
public final class EnvOverrides {
  /** Environment variable → dotted config key. The README's configuration table lists the same pairs. */
  public static final Map<String, String> KEYS = keys();

  private EnvOverrides() {
  }

  private static Map<String, String> keys() {
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put("HTTP_HOST", "http.host");
    keys.put("HTTP_PORT", "http.port");
    keys.put("HTTP_BODY_LIMIT_BYTES", "http.bodyLimitBytes");
    keys.put("MANAGEMENT_HOST", "management.host");
    keys.put("MANAGEMENT_PORT", "management.port");
    keys.put("MANAGEMENT_OPERATOR_API", "management.operatorApi");
    keys.put("LIMITS_CLIENT_IP_HEADER", "limits.clientIpHeader");
    keys.put("PG_HOST", "database.host");
    keys.put("PG_PORT", "database.port");
    keys.put("PG_DATABASE", "database.name");
    keys.put("PG_USER", "database.user");
    keys.put("PG_PASSWORD", "database.password");
    keys.put("PG_POOL_SIZE", "database.poolSize");
    keys.put("PG_TRANSACTION_POOLER", "database.transactionPooler");
    keys.put("PG_DIRECT_HOST", "database.directHost");
    keys.put("PG_DIRECT_PORT", "database.directPort");
    keys.put("DB_MIGRATE_ON_START", "database.migrateOnStart");
    keys.put("EMBEDDED_PG_DATA_DIR", "database.embeddedDataDir");
    keys.put("RETENTION_EVENTS_DAYS", "retention.events");
    keys.put("RETENTION_DEDUP_KEYS_DAYS", "retention.dedupKeys");
    keys.put("RETENTION_STATISTICS_DAYS", "retention.statistics");
    keys.put("JWT_ISSUER", "jwt.issuer");
    keys.put("JWT_AUDIENCE", "jwt.audience");
    keys.put("JWT_HMAC_SECRET", "jwt.hmacSecret");
    keys.put("JWT_PUBLIC_KEYS", "jwt.publicKeys");
    keys.put("JWT_LEEWAY_SECONDS", "jwt.leewaySeconds");
    keys.put("JWT_SCOPE_CLAIM", "jwt.scopeClaim");
    keys.put("JWT_ALGORITHMS", "jwt.algorithms");
    keys.put("JWT_JWKS_URL", "jwt.jwksUrl");
    keys.put("JWT_JWKS_REFRESH_SECONDS", "jwt.jwksRefreshSeconds");
    keys.put("JWT_JWKS_MIN_REFRESH_INTERVAL_SECONDS", "jwt.jwksMinRefreshIntervalSeconds");
    keys.put("PROCESSING_TIMEOUT_SECONDS", "webhooks.timeoutSeconds");
    keys.put("STRIPE_WEBHOOK_SECRETS", "stripe.webhookSecrets");
    keys.put("STRIPE_TOLERANCE_SECONDS", "stripe.toleranceSeconds");
    keys.put("CISIVE_WEBHOOK_SECRETS", "cisive.webhookSecrets");
    keys.put("CISIVE_TOLERANCE_SECONDS", "cisive.toleranceSeconds");
    keys.put("CISIVE_MAX_FUTURE_SKEW_SECONDS", "cisive.maxFutureSkewSeconds");
    return Map.copyOf(keys);
  }

  public static List<String> names() {
    return List.copyOf(KEYS.keySet());
  }

  /** Returns a copy of {@code merged} with every recognised top-level env entry moved to its config key. */
  public static JsonObject apply(JsonObject merged) {
    JsonObject result = merged.copy();
    KEYS.forEach((env, path) -> {
      Object value = result.remove(env);
      if (value != null) {
        put(result, path, value);
      }
    });
    return result;
  }

  private static void put(JsonObject root, String dottedPath, Object value) {
    String[] parts = dottedPath.split("\\.");
    JsonObject node = root;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonObject child = node.getJsonObject(parts[i]);
      if (child == null) {
        child = new JsonObject();
        node.put(parts[i], child);
      }
      node = child;
    }
    node.put(parts[parts.length - 1], value);
  }
}
