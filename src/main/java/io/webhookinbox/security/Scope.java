package io.webhookinbox.security;

/** The scopes a token can grant. */
public enum Scope {
  INGEST("webhooks:ingest"),
  READ("webhooks:read"),
  ADMIN("webhooks:admin");

  private final String value;

  Scope(String value) {
    this.value = value;
  }

  public String value() {
    return value;
  }
}
