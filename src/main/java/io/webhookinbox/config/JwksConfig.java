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

  static final Setting<String> URL = Setting.text("jwt.jwksUrl", "").env("JWT_JWKS_URL")
    .doc("The identity provider's JWKS endpoint (https; http on loopback only); empty = off");
  static final Setting<Integer> REFRESH = Setting.integer("jwt.jwksRefreshSeconds", 300, 1, 86_400)
    .env("JWT_JWKS_REFRESH_SECONDS").unit("seconds").doc("Keys are re-fetched this often");
  static final Setting<Integer> MIN_INTERVAL = Setting.integer("jwt.jwksMinRefreshIntervalSeconds", 30, 1, 3600)
    .env("JWT_JWKS_MIN_REFRESH_INTERVAL_SECONDS").unit("seconds")
    .doc("And on an unknown kid, but never more often than this");
  static final Setting<Integer> TIMEOUT = Setting.integer("jwt.jwksTimeoutMs", 5000, 100, 60_000).unit("ms")
    .doc("Connect and whole response, per fetch");
  static final Setting<Integer> MAX_BYTES = Setting.integer("jwt.jwksMaxBytes", 262_144, 1024, 4 * 1024 * 1024)
    .unit("bytes").doc("A larger JWKS response is refused");

  static JwksConfig from(JsonObject root) {
    String url = URL.read(root).trim();
    if (!url.isEmpty()) {
      checkUrl(url, URL.key());
    }
    int refresh = REFRESH.read(root);
    int minInterval = MIN_INTERVAL.read(root);
    if (minInterval > refresh) {
      throw new InvalidSetting(MIN_INTERVAL.key(), "must not exceed " + REFRESH.key());
    }
    return new JwksConfig(url, refresh, minInterval, TIMEOUT.read(root), MAX_BYTES.read(root));
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
