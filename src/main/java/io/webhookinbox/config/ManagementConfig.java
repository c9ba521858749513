package io.webhookinbox.config;

import io.vertx.core.json.JsonObject;

/**
 * The management listener: probes and metrics on a port of their own, so the public port that senders reach
 * serves the webhook endpoints only, and a NetworkPolicy can admit monitoring to this port alone.
 *
 * @param operatorApi the operator API (events, replays, statistics, configuration, erasure, audit, OpenAPI) is served
 *                    here instead of on the public port
 */
public record ManagementConfig(String host, int port, boolean operatorApi) {
  static ManagementConfig from(JsonObject json, HttpConfig http) {
    String p = "management.";
    ManagementConfig config = new ManagementConfig(
      Json.string(json, p, "host", http.host()),
      Json.integer(json, p, "port", 8081, 0, 65535),
      Json.bool(json, p, "operatorApi", false));
    if (config.port != 0 && config.port == http.port()) {
      throw new InvalidSetting(p + "port", "must differ from http.port");
    }
    return config;
  }
}
