package io.webhookinbox.security;

import java.util.Set;

/** Who called: the token subject and the scopes it was granted. */
public record Principal(String subject, Set<String> scopes) {
  public boolean has(Scope scope) {
    return scopes.contains(scope.value());
  }
}
