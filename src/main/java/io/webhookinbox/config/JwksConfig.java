package io.webhookinbox.config;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;

/**
 * Signing keys fetched from the identity provider's JWKS endpoint. {@code url} empty = off. The keys are refreshed
 * every {@code refreshSeconds}, and sooner for a token whose {@code kid} is unknown, but never more often than once
 * per {@code minRefreshIntervalSeconds}. Each fetch is bounded by {@code timeoutMs} (connect and whole response)
 * and {@code maxBytes}. HTTPS is required except on loopback (tests, a local sidecar).
 */
public record JwksConfig(String url, int refreshSeconds, int minRefreshIntervalSeconds, int timeoutMs, int maxBytes) {
  private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]", "::1");

  static JwksConfig from(JsonObject json, String prefix) {
    String url = Json.string(json, prefix, "jwksUrl", "").trim();
    if (!url.isEmpty()) {
      checkUrl(url, prefix + "jwksUrl");
    }
    int refresh = Json.integer(json, prefix, "jwksRefreshSeconds", 300, 1, 86_400);
    int minInterval = Json.integer(json, prefix, "jwksMinRefreshIntervalSeconds", 30, 1, 3600);
    if (minInterval > refresh) {
      throw new InvalidSetting(prefix + "jwksMinRefreshIntervalSeconds", "must not exceed " + prefix + "jwksRefreshSeconds");
    }
    return new JwksConfig(url, refresh, minInterval,
      Json.integer(json, prefix, "jwksTimeoutMs", 5000, 100, 60_000),
      Json.integer(json, prefix, "jwksMaxBytes", 262_144, 1024, 4 * 1024 * 1024));
  }

  public boolean enabled() {
    return !url.isEmpty();
  }

  /** https anywhere; http only to a loopback address, since keys fetched in the clear could be swapped on the way. */
  private static void checkUrl(String url, String key) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new InvalidSetting(key, "must be an absolute http(s) URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
    if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
      throw new InvalidSetting(key, "must be an absolute http(s) URL");
    }
    if (uri.getUserInfo() != null) {
      throw new InvalidSetting(key, "must not carry credentials");
    }
    if (scheme.equals("http") && !LOOPBACK.contains(uri.getHost().toLowerCase())) {
      throw new InvalidSetting(key, "must use https (http is allowed for a loopback address only)");
    }
  }
}
