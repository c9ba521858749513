package io.webhookinbox.config;

import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Set;

/**
 * Bearer-token settings. {@code hmacSecret} enables HS256 (development and tests); {@code publicKeys} are paths
 * to PEM public keys (RS256 or ES256); {@code jwks} fetches keys from the identity provider (the production setting).
 * Only algorithms in {@code algorithms} are accepted.
 */
public record JwtConfig(String issuer, String audience, String hmacSecret, List<String> publicKeys,
                        int leewaySeconds, String scopeClaim, List<String> algorithms, JwksConfig jwks) {
  private static final Set<String> SUPPORTED_ALGORITHMS = Set.of("HS256", "HS384", "HS512", "RS256", "RS384",
    "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512");

  static JwtConfig from(JsonObject json) {
    String p = "jwt.";
    List<String> algorithms = Json.strings(json, p, "algorithms");
    if (algorithms.isEmpty()) {
      algorithms = List.of("HS256", "RS256", "ES256");
    }
    for (String algorithm : algorithms) {
      if (!SUPPORTED_ALGORITHMS.contains(algorithm)) {
        throw new IllegalArgumentException(p + "algorithms: unsupported algorithm " + algorithm);
      }
    }
    String issuer = Json.string(json, p, "issuer", "").trim();
    String audience = Json.string(json, p, "audience", "").trim();
    if (issuer.isEmpty() || audience.isEmpty()) {
      throw new IllegalArgumentException(p + "issuer and " + p + "audience must be set");
    }
    return new JwtConfig(issuer, audience,
      Json.string(json, p, "hmacSecret", ""),
      Json.strings(json, p, "publicKeys"),
      Json.integer(json, p, "leewaySeconds", 30, 0, 300),
      Json.string(json, p, "scopeClaim", "scope"),
      List.copyOf(algorithms),
      JwksConfig.from(json, p));
  }

  public JwtConfig withHmacSecret(String secret) {
    return new JwtConfig(issuer, audience, secret, publicKeys, leewaySeconds, scopeClaim, algorithms, jwks);
  }

  @Override
  public String toString() {
    return "JwtConfig[issuer=" + issuer + ", audience=" + audience + ", hmacSecret=" + (hmacSecret.isEmpty() ? "unset" : "set")
      + ", publicKeys=" + publicKeys + ", leewaySeconds=" + leewaySeconds + ", scopeClaim=" + scopeClaim
      + ", algorithms=" + algorithms + ", jwks=" + jwks + "]";
  }
}
