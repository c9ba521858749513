package io.webhookinbox.config;

import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
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

  /** HS256 keys shorter than the hash (RFC 7518, 3.2) can be brute-forced from one token. */
  static final int MIN_HMAC_SECRET_BYTES = 32;
  static final Setting<String> ISSUER = Setting.text("jwt.issuer", "").env("JWT_ISSUER")
    .doc("Required token issuer (iss); must be set");
  static final Setting<String> AUDIENCE = Setting.text("jwt.audience", "").env("JWT_AUDIENCE")
    .doc("Required token audience (aud); must be set");
  static final Setting<String> HMAC_SECRET = Setting.text("jwt.hmacSecret", "").env("JWT_HMAC_SECRET")
    .secret(value -> value.getBytes(StandardCharsets.UTF_8).length < MIN_HMAC_SECRET_BYTES
      || ProductionSafety.placeholder(value)
      ? "must be at least " + MIN_HMAC_SECRET_BYTES + " bytes of random data, not a placeholder" : null)
    .doc("HS256 key (development, tests); empty with no other key = a generated development secret");
  static final Setting<List<String>> PUBLIC_KEYS = Setting.list("jwt.publicKeys", List.of()).env("JWT_PUBLIC_KEYS")
    .doc("PEM public key files (path or kid=path) for RS256 / ES256 tokens");
  static final Setting<Integer> LEEWAY = Setting.integer("jwt.leewaySeconds", 30, 0, 300).env("JWT_LEEWAY_SECONDS")
    .unit("seconds").doc("Clock skew allowed on exp and nbf");
  static final Setting<String> SCOPE_CLAIM = Setting.text("jwt.scopeClaim", "scope").env("JWT_SCOPE_CLAIM")
    .doc("Claim holding the scopes (space-separated string or array)");
  static final Setting<List<String>> ALGORITHMS = Setting.list("jwt.algorithms", List.of("HS256", "RS256", "ES256"))
    .env("JWT_ALGORITHMS").doc("Signature algorithms accepted");
  static final Setting<String> DEV_SECRET_FILE = Setting.text("jwt.devSecretFile", ".data/dev-jwt-secret")
    .doc("Where the generated development secret is kept (development only)");
  static final List<Setting<?>> SETTINGS = List.of(ISSUER, AUDIENCE, HMAC_SECRET, PUBLIC_KEYS, LEEWAY, SCOPE_CLAIM,
    ALGORITHMS, JwksConfig.URL, JwksConfig.REFRESH, JwksConfig.MIN_INTERVAL, JwksConfig.TIMEOUT,
    JwksConfig.MAX_BYTES, DEV_SECRET_FILE);

  static JwtConfig from(JsonObject root) {
    List<String> algorithms = ALGORITHMS.read(root);
    if (algorithms.isEmpty()) {
      algorithms = ALGORITHMS.defaultValue();
    }
    for (String algorithm : algorithms) {
      if (!SUPPORTED_ALGORITHMS.contains(algorithm)) {
        throw new IllegalArgumentException(ALGORITHMS.key() + ": unsupported algorithm " + algorithm);
      }
    }
    String issuer = ISSUER.read(root).trim();
    String audience = AUDIENCE.read(root).trim();
    if (issuer.isEmpty() || audience.isEmpty()) {
      throw new IllegalArgumentException(ISSUER.key() + " and " + AUDIENCE.key() + " must be set");
    }
    return new JwtConfig(issuer, audience, HMAC_SECRET.read(root), PUBLIC_KEYS.read(root), LEEWAY.read(root),
      SCOPE_CLAIM.read(root), List.copyOf(algorithms), JwksConfig.from(root));
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
