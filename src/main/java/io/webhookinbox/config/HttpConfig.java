package io.webhookinbox.config;

import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * HTTP server settings.
 *
 * @param instances     HTTP verticle instances; 0 means one per event loop
 * @param bodyTimeoutMs longest time a sender may take from its headers to the end of its body (then 408)
 */
public record HttpConfig(String host, int port, int instances, int bodyLimitBytes, int maxHeaderBytes,
                         int maxUriLength, int bodyTimeoutMs) {
  static final Setting<String> HOST = Setting.text("http.host", "0.0.0.0").env("HTTP_HOST")
    .doc("Address the public listener binds (webhook endpoints; the operator API unless management.operatorApi)");
  static final Setting<Integer> PORT = Setting.integer("http.port", 8080, 0, 65535).env("HTTP_PORT")
    .doc("Port of the public listener; 0 = any free port");
  static final Setting<Integer> INSTANCES = Setting.integer("http.instances", 0, 0, 256)
    .doc("HTTP verticles; 0 = one per event loop");
  static final Setting<Integer> BODY_LIMIT = Setting.integer("http.bodyLimitBytes", 1024 * 1024, 1024,
    64 * 1024 * 1024).env("HTTP_BODY_LIMIT_BYTES").unit("bytes").doc("Largest request body; larger ones get 413");
  static final Setting<Integer> MAX_HEADER = Setting.integer("http.maxHeaderBytes", 16 * 1024, 1024, 1024 * 1024)
    .unit("bytes").doc("Largest request header block");
  static final Setting<Integer> MAX_URI = Setting.integer("http.maxUriLength", 4096, 256, 64 * 1024)
    .unit("bytes").doc("Longest request line");
  static final Setting<Integer> BODY_TIMEOUT = Setting.integer("http.bodyTimeoutMs", 10_000, 100, 600_000)
    .unit("ms").doc("Longest time from a request's headers to the end of its body; then 408");
  static final List<Setting<?>> SETTINGS = List.of(HOST, PORT, INSTANCES, BODY_LIMIT, MAX_HEADER, MAX_URI,
    BODY_TIMEOUT);

  static HttpConfig from(JsonObject root) {
    return new HttpConfig(HOST.read(root), PORT.read(root), INSTANCES.read(root), BODY_LIMIT.read(root),
      MAX_HEADER.read(root), MAX_URI.read(root), BODY_TIMEOUT.read(root));
  }
}
