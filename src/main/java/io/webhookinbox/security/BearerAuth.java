package io.webhookinbox.security;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.RoutingContext;
import io.webhookinbox.config.JwtConfig;
import io.webhookinbox.api.AccessLogHandler;
import io.webhookinbox.api.ApiError;
import io.webhookinbox.api.ErrorCode;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code Authorization: Bearer <JWT>} checks on top of vertx-auth-jwt: signature with an allowed algorithm,
 * issuer, audience, a required {@code exp} (the library accepts tokens without one), a subject, and scopes.
 */
public final class BearerAuth {
  public static final String PRINCIPAL_KEY = "principal";
  private static final Pattern JWT_SHAPE = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");

  private final JWTAuth provider;
  private final String scopeClaim;

  private BearerAuth(JWTAuth provider, String scopeClaim) {
    this.provider = provider;
    this.scopeClaim = scopeClaim;
  }

  /** Keys and checks from config. Blocking (reads PEM files): build once at start-up, off the event loops. */
  public static JWTAuthOptions options(JwtConfig config) {
    JWTOptions checks = new JWTOptions()
      .setIssuer(config.issuer())
      .setAudience(List.of(config.audience()))
      .setLeeway(config.leewaySeconds())
      .setIgnoreExpiration(false);
    return JwtKeys.options(config).setJWTOptions(checks);
  }

  public static BearerAuth create(Vertx vertx, JWTAuthOptions options, String scopeClaim) {
    return new BearerAuth(JWTAuth.create(vertx, new JWTAuthOptions(options)), scopeClaim);
  }

  /** A route handler that lets the request through when the token is valid and grants any of {@code scopes}. */
  public Handler<RoutingContext> require(Scope... anyOf) {
    Set<Scope> accepted = Set.copyOf(Arrays.asList(anyOf));
    return ctx -> authenticate(ctx.request().getHeader(HttpHeaders.AUTHORIZATION))
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
    if (!JWT_SHAPE.matcher(token).matches()) {
      return Future.failedFuture(unauthorized("token is not a JWT"));
    }
    return provider.authenticate(new TokenCredentials(token))
      .recover(failure -> Future.failedFuture(unauthorized(reason(failure))))
      .compose(this::toPrincipal);
  }

  private Future<Principal> toPrincipal(User user) {
    // vertx-auth-jwt keeps the verified claims under attributes.accessToken (the principal drops exp and iat).
    JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
    if (!(claims.getValue("exp") instanceof Number)) {
      return Future.failedFuture(unauthorized("token has no exp claim"));
    }
    String subject = claims.getString("sub");
    if (subject == null || subject.isBlank()) {
      return Future.failedFuture(unauthorized("token has no sub claim"));
    }
    return Future.succeededFuture(new Principal(subject, scopes(claims.getValue(scopeClaim))));
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

  /** A short, safe reason: the library's messages can echo configured values, so they are classified here. */
  private static String reason(Throwable failure) {
    String message = String.valueOf(failure.getMessage()).toLowerCase();
    if (message.contains("expired")) {
      return "token expired";
    }
    if (message.contains("audience")) {
      return "token audience is not accepted";
    }
    if (message.contains("issuer")) {
      return "token issuer is not accepted";
    }
    if (message.contains("iat") || message.contains("nbf") || message.contains("not yet valid")) {
      return "token is not valid yet";
    }
    if (message.contains("signature") || message.contains("algorithm") || message.contains("alg")
      || message.contains("key") || message.contains("kid")) {
      return "token signature or algorithm is not accepted";
    }
    return "token is invalid";
  }

  private static ApiError unauthorized(String reason) {
    return ApiError.field(ErrorCode.UNAUTHORIZED, "Authorization", reason);
  }
}
