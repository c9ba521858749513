package io.webhookinbox.security;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The registered claims of a bearer token (RFC 7519 section 4.1), checked here with a typed reason each:
 * vertx-auth-jwt verifies signature and algorithm only. It reports its own claim checks as message text, calls a
 * not-yet-valid token "expired" and fails with a ClassCastException (a 500) on a non-numeric {@code exp}.
 */
final class TokenClaims {
  private TokenClaims() {
  }

  /** The unverified payload of a compact JWT, or null when it is not base64url JSON. */
  static JsonObject unverifiedPayload(String token) {
    return unverifiedPart(token, 1);
  }

  /** The unverified header of a compact JWT, or null when it is not base64url JSON. */
  static JsonObject unverifiedHeader(String token) {
    return unverifiedPart(token, 0);
  }

  private static JsonObject unverifiedPart(String token, int index) {
    try {
      String part = token.split("\\.", -1)[index];
      return new JsonObject(new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8));
    } catch (RuntimeException notJson) {
      return null;
    }
  }

  /**
   * Why the time claims cannot even be read: {@code exp} is required, and it, {@code nbf} and {@code iat} must be
   * NumericDate values. Checked before the library sees the token; null when they are well formed.
   */
  static String malformed(JsonObject claims) {
    if (!claims.containsKey("exp")) {
      return "token has no exp claim";
    }
    for (String claim : new String[] {"exp", "nbf", "iat"}) {
      if (claims.containsKey(claim) && !(claims.getValue(claim) instanceof Number)) {
        return "token " + claim + " claim is not a number";
      }
    }
    return null;
  }

  /** Why verified claims are refused at {@code now} (epoch seconds), or null when they are accepted. */
  static String refused(JsonObject claims, long now, int leewaySeconds, String issuer, String audience) {
    String malformed = malformed(claims);
    if (malformed != null) {
      return malformed;
    }
    if (seconds(claims, "exp") + leewaySeconds < now) {
      return "token expired";
    }
    if (claims.containsKey("nbf") && seconds(claims, "nbf") - leewaySeconds > now) {
      return "token is not valid yet (nbf)";
    }
    if (claims.containsKey("iat") && seconds(claims, "iat") - leewaySeconds > now) {
      return "token is issued in the future (iat)";
    }
    if (!issuer.equals(claims.getValue("iss"))) {
      return "token issuer is not accepted";
    }
    if (!audienceContains(claims.getValue("aud"), audience)) {
      return "token audience is not accepted";
    }
    Object subject = claims.getValue("sub");
    if (!(subject instanceof String text) || text.isBlank()) {
      return "token has no sub claim";
    }
    return null;
  }

  private static double seconds(JsonObject claims, String claim) {
    return ((Number) claims.getValue(claim)).doubleValue();
  }

  /** {@code aud} is one string or an array of strings. */
  private static boolean audienceContains(Object aud, String audience) {
    if (aud instanceof String text) {
      return text.equals(audience);
    }
    return aud instanceof JsonArray array && array.contains(audience);
  }
}
