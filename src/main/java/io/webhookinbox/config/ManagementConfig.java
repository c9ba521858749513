package io.webhookinbox.config;

import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The management listener: probes and metrics on a port of their own, so the public port that senders reach
 * serves the webhook endpoints only, and a NetworkPolicy can admit monitoring to this port alone.
 *
 * @param operatorApi the operator API (events, replays, statistics, configuration, erasure, audit, OpenAPI) is served
 *                    here instead of on the public port
 */
public record ManagementConfig(String host, int port, boolean operatorApi) {
  static final Setting<String> HOST = Setting.text("management.host", "").env("MANAGEMENT_HOST")
    .doc("Address the management listener binds (probes, metrics); empty = http.host");
  static final Setting<Integer> PORT = Setting.integer("management.port", 8081, 0, 65535).env("MANAGEMENT_PORT")
    .doc("Port of the management listener; 0 = any free port");
  static final Setting<Boolean> OPERATOR_API = Setting.flag("management.operatorApi", false)
    .env("MANAGEMENT_OPERATOR_API").doc("Serve the operator API (and /openapi.yaml) here instead of on http.port");
  static final List<Setting<?>> SETTINGS = List.of(HOST, PORT, OPERATOR_API);

  static ManagementConfig from(JsonObject root, HttpConfig http) {
    String host = HOST.read(root).trim();
    ManagementConfig config = new ManagementConfig(host.isEmpty() ? http.host() : host, PORT.read(root),
      OPERATOR_API.read(root));
    if (config.port != 0 && config.port == http.port()) {
      throw new InvalidSetting(PORT.key(), "must differ from http.port");
    }
    return config;
  }
}
