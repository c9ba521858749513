package io.webhookinbox.security;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.webhookinbox.config.JwtConfig;

import java.util.List;

/** Mints HS256 development tokens with the configured secret, issuer and audience (the {@code token} command). */
public final class TokenMinter {
  private TokenMinter() {
  }

  public static String mint(Vertx vertx, JwtConfig config, String subject, List<String> scopes, int ttlSeconds) {
    if (config.hmacSecret().isEmpty()) {
      throw new IllegalStateException("The token command needs an HS256 secret (JWT_HMAC_SECRET)");
    }
    JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(config.hmacSecret())));
    return signer.generateToken(new JsonObject().put("scope", String.join(" ", scopes)), new JWTOptions()
      .setAlgorithm("HS256")
      .setIssuer(config.issuer())
      .setAudience(List.of(config.audience()))
      .setSubject(subject)
      .setExpiresInSeconds(ttlSeconds));
  }
}
