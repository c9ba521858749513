package io.webhookinbox.config;

import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operator console ({@code /console} on the listener that serves the operator API): sign-in through the
 * identity provider (OpenID Connect, authorization code with PKCE), sessions, and four-eyes for dangerous actions.
 *
 * @param publicUrl    how browsers reach the service (the load balancer's URL), for the sign-in callback; empty =
 *                     the URL of the request that starts the sign-in
 * @param roleMapping  IdP role (or group) → operator scope; empty = the roles are the scope names
 * @param fourEyes     a bulk replay above {@code bulkReplayThreshold} events and an erasure need a second operator
 */
public record ConsoleConfig(boolean enabled, String publicUrl, String issuer, String clientId, String clientSecret,
                            String rolesClaim, Map<String, String> roleMapping, int idleMinutes, int absoluteHours,
                            boolean fourEyes, int bulkReplayThreshold, int approvalMinutes) {
  static final Setting<Boolean> ENABLED = Setting.flag("console.enabled", true).env("CONSOLE_ENABLED")
    .doc("Serve the operator console at /console on the listener of the operator API");
  static final Setting<String> PUBLIC_URL = Setting.text("console.publicUrl", "").env("CONSOLE_PUBLIC_URL")
    .doc("The console's address as browsers reach it (https://…), for the sign-in callback; empty = the request's");
  static final Setting<String> ISSUER = Setting.text("console.oidc.issuer", "").env("CONSOLE_OIDC_ISSUER")
    .doc("The identity provider's issuer URL (OpenID discovery); empty = local sign-in in development, else none");
  static final Setting<String> CLIENT_ID = Setting.text("console.oidc.clientId", "").env("CONSOLE_OIDC_CLIENT_ID")
    .doc("The console's client id at the identity provider");
  static final Setting<String> CLIENT_SECRET = Setting.text("console.oidc.clientSecret", "")
    .env("CONSOLE_OIDC_CLIENT_SECRET")
    .secret(secret -> secret.length() < 16 || ProductionSafety.placeholder(secret)
      ? "is a placeholder or shorter than 16 characters: use the secret the identity provider issued" : null)
    .doc("Its client secret (confidential client); empty = a public client (PKCE only)");
  static final Setting<String> ROLES_CLAIM = Setting.text("console.oidc.rolesClaim", "roles")
    .env("CONSOLE_OIDC_ROLES_CLAIM").doc("ID or access token claim holding the operator's roles (an array or a string)");
  static final Setting<List<String>> ROLE_MAPPING = Setting.list("console.oidc.roleMapping", List.of())
    .env("CONSOLE_OIDC_ROLE_MAPPING")
    .doc("role=scope pairs (e.g. Inbox.Admin=webhooks:admin); empty = roles named webhooks:read, :admin, :pii");
  static final Setting<Integer> IDLE = Setting.integer("console.session.idleMinutes", 30, 1, 1440).unit("minutes")
    .doc("A console session unused this long is over");
  static final Setting<Integer> ABSOLUTE = Setting.integer("console.session.absoluteHours", 8, 1, 168).unit("hours")
    .doc("A console session ends this long after sign-in, used or not");
  static final Setting<String> FOUR_EYES = Setting.text("console.fourEyes.mode", "auto")
    .doc("auto (on outside development), on or off: bulk replays above the threshold and erasures need a second operator");
  static final Setting<Integer> THRESHOLD = Setting.integer("console.fourEyes.bulkReplayThreshold", 100, 0, 1_000)
    .doc("A bulk replay of more events than this needs a second operator's approval");
  static final Setting<Integer> APPROVAL = Setting.integer("console.fourEyes.expiryMinutes", 240, 5, 10_080)
    .unit("minutes").doc("A request for approval not approved within this lapses");
  static final List<Setting<?>> SETTINGS = List.of(ENABLED, PUBLIC_URL, ISSUER, CLIENT_ID, CLIENT_SECRET, ROLES_CLAIM,
    ROLE_MAPPING, IDLE, ABSOLUTE, FOUR_EYES, THRESHOLD, APPROVAL);

  static ConsoleConfig from(JsonObject root, boolean development) {
    String mode = FOUR_EYES.read(root).trim();
    boolean fourEyes = switch (mode) {
      case "auto" -> !development;
      case "on" -> true;
      case "off" -> false;
      default -> throw new InvalidSetting(FOUR_EYES.key(), "must be auto, on or off");
    };
    Map<String, String> mapping = new LinkedHashMap<>();
    for (String pair : ROLE_MAPPING.read(root)) {
      int equals = pair.lastIndexOf('=');
      if (equals <= 0 || equals == pair.length() - 1) {
        throw new InvalidSetting(ROLE_MAPPING.key(), "entries must be role=scope");
      }
      mapping.put(pair.substring(0, equals).trim(), pair.substring(equals + 1).trim());
    }
    String publicUrl = PUBLIC_URL.read(root).trim().replaceAll("/+$", "");
    if (!publicUrl.isEmpty() && !publicUrl.matches("https?://[^/\\s]+")) {
      throw new InvalidSetting(PUBLIC_URL.key(), "must be scheme://host[:port], without a path");
    }
    String issuer = ISSUER.read(root).trim();
    if (!issuer.isEmpty() && CLIENT_ID.read(root).isBlank()) {
      throw new InvalidSetting(CLIENT_ID.key(), "must be set with console.oidc.issuer");
    }
    return new ConsoleConfig(ENABLED.read(root), publicUrl, issuer, CLIENT_ID.read(root).trim(),
      CLIENT_SECRET.read(root), ROLES_CLAIM.read(root).trim(), Map.copyOf(mapping), IDLE.read(root),
      ABSOLUTE.read(root), fourEyes, THRESHOLD.read(root), APPROVAL.read(root));
  }

  /** Sign-in through the identity provider; else local sign-in with the development secret (development only). */
  public boolean oidc() {
    return !issuer.isEmpty();
  }

  /** No secret in the text form. */
  @Override
  public String toString() {
    return "ConsoleConfig[enabled=" + enabled + ", publicUrl=" + publicUrl + ", issuer=" + issuer + ", clientId="
      + clientId + ", rolesClaim=" + rolesClaim + ", roleMapping=" + roleMapping + ", idleMinutes=" + idleMinutes
      + ", absoluteHours=" + absoluteHours + ", fourEyes=" + fourEyes + ", bulkReplayThreshold=" + bulkReplayThreshold
      + ", approvalMinutes=" + approvalMinutes + "]";
  }
}
