package io.webhookinbox.security;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.RoutingContext;
import io.webhookinbox.config.JwtConfig;
import io.webhookinbox.api.AccessLogHandler;
import io.webhookinbox.api.ApiError;
import io.webhookinbox.api.ErrorCode;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code Authorization: Bearer <JWT>} checks: vertx-auth-jwt verifies the signature with an allowed algorithm and
 * a key {@link TokenVerifier} picks (configured, or from the identity provider's JWKS);
 * {@link TokenClaims} then checks a required numeric {@code exp}, {@code nbf}, {@code iat} (with the leeway),
 * issuer, audience and subject with a typed reason each; then scopes.
 */
public final class BearerAuth {
  public static final String PRINCIPAL_KEY = "principal";
  private static final Pattern JWT_SHAPE = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");

  /** Tokens a verticle remembers as verified: about 2 KB each with their claims, so a few MB at most. */
  static final int REMEMBERED_TOKENS = 2048;

  private final TokenVerifier verifier;
  private final JwtConfig config;
  private final VerifiedTokens verified = new VerifiedTokens(REMEMBERED_TOKENS);

  private BearerAuth(TokenVerifier verifier, JwtConfig config) {
    this.verifier = verifier;
    this.config = config;
  }

  /**
   * Keys from config. Blocking (reads PEM files): build once at start-up, off the event loops. The library checks
   * signature and algorithm only; the claims are {@link TokenClaims}' job (none of its checks is left out).
   */
  public static JWTAuthOptions options(JwtConfig config) {
    return JwtKeys.options(config).setJWTOptions(new JWTOptions().setIgnoreExpiration(true));
  }

  /** One per HTTP verticle. @param jwks the replica's JWKS cache; null when no JWKS URL is configured */
  public static BearerAuth create(Vertx vertx, JWTAuthOptions options, JwtConfig config, JwksKeys jwks) {
    return new BearerAuth(new TokenVerifier(vertx, options, jwks), config);
  }

  /** A route handler that lets the request through when the token is valid and grants any of {@code scopes}. */
  public Handler<RoutingContext> require(Scope... anyOf) {
    Set<Scope> accepted = Set.copyOf(Arrays.asList(anyOf));
    return ctx -> {
      // Verification may wait for a JWKS fetch: hold the body back for the handlers after this one (as
      // vertx-web's own authentication handlers do), then let it flow again.
      if (!ctx.request().isEnded()) {
        ctx.request().pause();
      }
      authenticate(ctx.request().getHeader(HttpHeaders.AUTHORIZATION))
        .andThen(done -> {
          if (!ctx.request().isEnded()) {
            ctx.request().resume();
          }
        })
        .onSuccess(principal -> {
          ctx.put(PRINCIPAL_KEY, principal);
          ctx.put(AccessLogHandler.PRINCIPAL, principal.subject());
          if (accepted.stream().noneMatch(principal::has)) {
            ctx.fail(ApiError.field(ErrorCode.FORBIDDEN, "scope", "requires one of " + accepted.stream()
              .map(Scope::value).sorted().toList()));
          } else {
            ctx.next();
          }
        })
        .onFailure(ctx::fail);
    };
  }

  /** Lets through a request whose principal (already authenticated) holds any of {@code scopes}; else 403. */
  public static Handler<RoutingContext> requireScopes(Scope... anyOf) {
    Set<Scope> accepted = Set.copyOf(Arrays.asList(anyOf));
    return ctx -> {
      Principal principal = principal(ctx);
      if (principal == null || accepted.stream().noneMatch(principal::has)) {
        ctx.fail(ApiError.field(ErrorCode.FORBIDDEN, "scope", "requires one of " + accepted.stream()
          .map(Scope::value).sorted().toList()));
      } else {
        ctx.next();
      }
    };
  }

  public static Principal principal(RoutingContext ctx) {
    return ctx.get(PRINCIPAL_KEY);
  }

  Future<Principal> authenticate(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      return Future.failedFuture(unauthorized("missing bearer token"));
    }
    if (authorization.length() < 8 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Future.failedFuture(unauthorized("must be 'Bearer <token>'"));
    }
    String token = authorization.substring(7).trim();
    Object keys = verifier.keys();
    VerifiedTokens.Verified remembered = verified.get(token, keys);
    if (remembered != null) {
      String refused = refused(remembered.claims());
      if (refused != null) {
        verified.forget(token);
        return Future.failedFuture(unauthorized(refused));
      }
      return Future.succeededFuture(remembered.principal());
    }
    if (!JWT_SHAPE.matcher(token).matches()) {
      return Future.failedFuture(unauthorized("token is not a JWT"));
    }
    JsonObject unverified = TokenClaims.unverifiedPayload(token);
    if (unverified == null) {
      return Future.failedFuture(unauthorized("token is invalid"));
    }
    // The library reads exp, nbf and iat as numbers even when told to ignore expiration: refuse other types first.
    String malformed = TokenClaims.malformed(unverified);
    if (malformed != null) {
      return Future.failedFuture(unauthorized(malformed));
    }
    return verifier.verify(token)
      .recover(failure -> Future.failedFuture(failure instanceof ApiError decided ? decided
        : unauthorized(signatureProblem(token))))
      .compose(user -> {
        // vertx-auth-jwt keeps the verified claims under attributes.accessToken (the principal drops exp and iat).
        JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
        String refused = refused(claims);
        if (refused != null) {
          return Future.failedFuture(unauthorized(refused));
        }
        Principal principal = new Principal(claims.getString("sub"), scopes(claims.getValue(config.scopeClaim())));
        verified.put(token, new VerifiedTokens.Verified(claims, principal), keys);
        return Future.succeededFuture(principal);
      });
  }

  private String refused(JsonObject claims) {
    return TokenClaims.refused(claims, Instant.now().getEpochSecond(), config.leewaySeconds(), config.issuer(),
      config.audience());
  }

  /** Scopes as an OAuth2 space-separated string or as a JSON array. */
  static Set<String> scopes(Object claim) {
    Set<String> scopes = new LinkedHashSet<>();
    if (claim instanceof String text) {
      for (String scope : text.trim().split("\\s+")) {
        if (!scope.isEmpty()) {
          scopes.add(scope);
        }
      }
    } else if (claim instanceof JsonArray array) {
      for (Object scope : array) {
        if (scope instanceof String text && !text.isBlank()) {
          scopes.add(text.trim());
        }
      }
    }
    return Set.copyOf(scopes);
  }

  /**
   * The library failed a token whose payload is JSON with readable claims: its header is unreadable, or no allowed
   * key and algorithm verifies its signature. Its failures carry only message text, and they can echo configured
   * values, so the reason is decided here from the header, not from the message.
   */
  private static String signatureProblem(String token) {
    return TokenClaims.unverifiedHeader(token) == null ? "token is invalid" : "token signature or algorithm is not accepted";
  }

  private static ApiError unauthorized(String reason) {
    return ApiError.field(ErrorCode.UNAUTHORIZED, "Authorization", reason);
  }
}
