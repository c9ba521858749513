package io.webhookinbox.console;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2AuthorizationURL;
import io.vertx.ext.auth.oauth2.OAuth2FlowType;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import io.vertx.ext.auth.oauth2.providers.OpenIDConnectAuth;
import io.webhookinbox.config.ConsoleConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * Sign-in through the identity provider: OpenID Connect discovery (once it answers; retried on the next sign-in
 * while it does not), the authorization code flow with PKCE (S256), a state and a nonce of 256 random bits each,
 * and the ID token's signature, issuer, audience, expiry and nonce checked before a session is made. One per
 * replica, shared by its HTTP verticles.
 */
final class SignIn {
  private static final Logger LOG = LoggerFactory.getLogger(SignIn.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final List<String> SCOPES = List.of("openid", "profile", "email");

  /** What the browser's round trip through the identity provider must bring back (kept in the session). */
  record Pending(String state, String nonce, String verifier, String next) {
    JsonObject toJson() {
      return new JsonObject().put("state", state).put("nonce", nonce).put("verifier", verifier).put("next", next);
    }

    static Pending of(Object stored) {
      return stored instanceof JsonObject json ? new Pending(json.getString("state"), json.getString("nonce"),
        json.getString("verifier"), json.getString("next")) : null;
    }
  }

  private final Vertx vertx;
  private final ConsoleConfig config;
  private Future<OAuth2Auth> provider;

  SignIn(Vertx vertx, ConsoleConfig config) {
    this.vertx = vertx;
    this.config = config;
  }

  /** The identity provider, discovered once; a failed discovery is tried again on the next call. */
  synchronized Future<OAuth2Auth> provider() {
    if (provider == null || provider.failed()) {
      OAuth2Options options = new OAuth2Options().setSite(config.issuer()).setClientId(config.clientId());
      if (!config.clientSecret().isEmpty()) {
        options.setClientSecret(config.clientSecret());
      }
      provider = OpenIDConnectAuth.discover(vertx, options)
        .onFailure(failure -> LOG.warn("OpenID discovery at {} failed: {}", config.issuer(), failure.getMessage()));
    }
    return provider;
  }

  static Pending newPending(String next) {
    String verifier = random(48);
    return new Pending(random(32), random(32), verifier, next);
  }

  /** Where to send the browser to sign in. */
  Future<String> authorizeUrl(Pending pending, String callback) {
    return provider().map(oauth2 -> oauth2.authorizeURL(new OAuth2AuthorizationURL()
      .setRedirectUri(callback).setScopes(SCOPES).setState(pending.state())
      .setCodeChallenge(challenge(pending.verifier())).setCodeChallengeMethod("S256")
      .putAdditionalParameter("nonce", pending.nonce())));
  }

  /** Exchanges the code and checks the ID token; the operator it names, with the scopes their roles map to. */
  Future<Operator> complete(Pending pending, String code, String callback) {
    return provider().compose(oauth2 -> oauth2.authenticate(new Oauth2Credentials().setFlow(OAuth2FlowType.AUTH_CODE)
      .setCode(code).setRedirectUri(callback).setCodeVerifier(pending.verifier())))
      .compose(user -> {
        JsonObject idToken = user.attributes().getJsonObject("idToken");
        if (idToken == null || !pending.nonce().equals(idToken.getString("nonce")) || !audience(idToken)) {
          return Future.failedFuture(new IllegalStateException("the ID token is missing, for another client or"
            + " another sign-in"));
        }
        JsonObject accessToken = user.attributes().getJsonObject("accessToken", new JsonObject());
        Object roles = idToken.getValue(config.rolesClaim(), accessToken.getValue(config.rolesClaim()));
        String subject = idToken.getString("sub");
        String name = idToken.getString("preferred_username", subject);
        return Future.succeededFuture(new Operator(subject, name, Operator.scopes(roles, config.roleMapping()),
          System.currentTimeMillis(), user.principal().getString("id_token")));
      });
  }

  /** The identity provider's end-session URL for this operator, or null when it has none. */
  Future<String> signOutUrl(Operator operator, String afterSignOut) {
    if (operator.idToken() == null) {
      return Future.succeededFuture(null);
    }
    return provider().map(oauth2 -> oauth2.endSessionURL(User.create(new JsonObject()
      .put("id_token", operator.idToken())), new JsonObject().put("client_id", config.clientId())
      .put("post_logout_redirect_uri", afterSignOut)));
  }

  private boolean audience(JsonObject idToken) {
    Object audience = idToken.getValue("aud");
    return audience instanceof JsonArray list ? list.contains(config.clientId()) : config.clientId().equals(audience);
  }

  static String random(int bytes) {
    byte[] value = new byte[bytes];
    RANDOM.nextBytes(value);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
  }

  private static String challenge(String verifier) {
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
        .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Constant-time comparison of two secrets (null never equals). */
  static boolean same(String expected, String given) {
    return expected != null && given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
      given.getBytes(StandardCharsets.UTF_8));
  }
}
