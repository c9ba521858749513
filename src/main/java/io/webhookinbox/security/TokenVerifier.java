package io.webhookinbox.security;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.webhookinbox.api.ApiError;
import io.webhookinbox.api.ErrorCode;

import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Picks the keys that may verify a token and lets vertx-auth-jwt check signature and algorithm. A token whose
 * {@code kid} is in the JWKS cache is verified with those keys only; a token without {@code kid} never is (JWKS
 * keys require one). Any other token goes to the configured keys (PEM files, HS256 secret); when they refuse one
 * with an unknown {@code kid}, the cache is refreshed (rate limited by {@link JwksKeys}) and asked again. A
 * provider is never built without keys: vertx-auth-jwt treats a key-less provider as unsecured (alg none).
 * One instance per HTTP verticle: the provider built from a key set is reused until the set changes.
 */
final class TokenVerifier {
  private static final JWTOptions CLAIMS_CHECKED_ELSEWHERE = new JWTOptions().setIgnoreExpiration(true);

  private final Vertx vertx;
  private final JWTAuth configured;
  private final Set<String> configuredKids;
  private final JwksKeys jwks;
  private JwkSet providerKeys;
  private JWTAuth provider;

  /** @param jwks null when no JWKS URL is configured */
  TokenVerifier(Vertx vertx, JWTAuthOptions configured, JwksKeys jwks) {
    this.vertx = vertx;
    boolean hasKeys = configured.getPubSecKeys() != null && !configured.getPubSecKeys().isEmpty();
    this.configured = hasKeys ? JWTAuth.create(vertx, new JWTAuthOptions(configured)) : null;
    this.configuredKids = hasKeys ? configured.getPubSecKeys().stream().map(PubSecKeyOptions::getId)
      .filter(Objects::nonNull).collect(Collectors.toUnmodifiableSet()) : Set.of();
    this.jwks = jwks;
  }

  /** The keys tokens are verified with now: another object once a JWKS fetch brings another key set. */
  Object keys() {
    return jwks == null ? configured : jwks.current();
  }

  /** Fails with an {@link ApiError} when the keys are unavailable, with any other failure when the token is refused. */
  Future<User> verify(String token) {
    String kid = kidOf(token);
    if (jwks == null || kid == null || configuredKids.contains(kid)) {
      return attempt(configured, token);
    }
    JwkSet keys = jwks.current();
    if (keys.has(kid)) {
      return attempt(providerFor(keys), token);
    }
    return attempt(configured, token).recover(refused -> jwks.refreshForUnknownKid().compose(latest -> {
      if (latest.has(kid)) {
        return attempt(providerFor(latest), token);
      }
      // The IdP could not be asked: the kid may name a key published since the last fetch.
      return Future.failedFuture(jwks.unreachable()
        ? ApiError.unavailable(ErrorCode.SIGNING_KEYS_UNAVAILABLE, jwks.retryAfterSeconds()) : refused);
    }));
  }

  private JWTAuth providerFor(JwkSet keys) {
    if (keys != providerKeys) {
      provider = JWTAuth.create(vertx, new JWTAuthOptions().setJwks(keys.jwks()).setJWTOptions(CLAIMS_CHECKED_ELSEWHERE));
      providerKeys = keys;
    }
    return provider;
  }

  private static Future<User> attempt(JWTAuth keys, String token) {
    if (keys == null) {
      return Future.failedFuture("no key for this token");
    }
    try {
      return keys.authenticate(new TokenCredentials(token));
    } catch (RuntimeException unreadable) {
      return Future.failedFuture(unreadable);
    }
  }

  /** The header's {@code kid} when it is a non-empty string; null otherwise (also for an unreadable header). */
  private static String kidOf(String token) {
    JsonObject header = TokenClaims.unverifiedHeader(token);
    return header != null && header.getValue("kid") instanceof String kid && !kid.isEmpty() ? kid : null;
  }
}
