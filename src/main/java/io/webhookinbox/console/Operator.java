package io.webhookinbox.console;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Session;
import io.webhookinbox.security.Principal;
import io.webhookinbox.security.Scope;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A signed-in operator as the session keeps them: the identity provider's subject (what four-eyes compares), the
 * name the audit trail shows, the operator scopes their roles map to, when they signed in, and the ID token for
 * signing out at the identity provider.
 */
record Operator(String subject, String name, Set<String> scopes, long signedInAt, String idToken) {
  static final String KEY = "console.operator";
  private static final Set<String> SCOPES = Arrays.stream(Scope.values()).filter(scope -> scope != Scope.INGEST)
    .map(Scope::value).collect(Collectors.toUnmodifiableSet());

  /** The operator scopes of these roles: mapped when a mapping is configured, else the roles named as scopes. */
  static Set<String> scopes(Object rolesClaim, Map<String, String> mapping) {
    Set<String> roles = new LinkedHashSet<>();
    if (rolesClaim instanceof JsonArray array) {
      array.forEach(role -> roles.add(String.valueOf(role)));
    } else if (rolesClaim instanceof String text) {
      roles.addAll(Arrays.asList(text.trim().split("[\\s,]+")));
    }
    Set<String> scopes = new LinkedHashSet<>();
    for (String role : roles) {
      String scope = mapping.isEmpty() ? role : mapping.get(role);
      if (scope != null && SCOPES.contains(scope)) {
        scopes.add(scope);
      }
    }
    return Set.copyOf(scopes);
  }

  Principal principal() {
    return new Principal(name, scopes);
  }

  boolean has(Scope scope) {
    return scopes.contains(scope.value());
  }

  JsonObject toJson() {
    return new JsonObject().put("subject", subject).put("name", name).put("scopes", new JsonArray(scopes.stream()
      .sorted().toList())).put("signedInAt", signedInAt).put("idToken", idToken);
  }

  static Operator of(Session session) {
    if (session == null || !(session.get(KEY) instanceof JsonObject json)) {
      return null;
    }
    Set<String> scopes = json.getJsonArray("scopes").stream().map(String::valueOf).collect(Collectors.toSet());
    return new Operator(json.getString("subject"), json.getString("name"), Set.copyOf(scopes),
      json.getLong("signedInAt"), json.getString("idToken"));
  }
}
