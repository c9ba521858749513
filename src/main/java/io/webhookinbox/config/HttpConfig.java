package io.webhookinbox.config;

import io.vertx.core.json.JsonObject;

/**
 * HTTP server settings.
 *
 * @param instances     HTTP verticle instances; 0 means one per event loop
 * @param bodyTimeoutMs longest time a sender may take from its headers to the end of its body (then 408)
 */
public record HttpConfig(String host, int port, int instances, int bodyLimitBytes, int maxHeaderBytes,
                         int maxUriLength, int bodyTimeoutMs) {
  static HttpConfig from(JsonObject json) {
    String p = "http.";
    return new HttpConfig(
      Json.string(json, p, "host", "0.0.0.0"),
      Json.integer(json, p, "port", 8080, 0, 65535),
      Json.integer(json, p, "instances", 0, 0, 256),
      Json.integer(json, p, "bodyLimitBytes", 1024 * 1024, 1024, 64 * 1024 * 1024),
      Json.integer(json, p, "maxHeaderBytes", 16 * 1024, 1024, 1024 * 1024),
      Json.integer(json, p, "maxUriLength", 4096, 256, 64 * 1024),
      Json.integer(json, p, "bodyTimeoutMs", 10_000, 100, 600_000));
  }
}
