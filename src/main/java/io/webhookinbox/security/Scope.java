package io.webhookinbox.security;

/** The scopes a token can grant. */
public enum Scope {
  INGEST("webhooks:ingest"),
  READ("webhooks:read"),
  ADMIN("webhooks:admin"),
  /** Personal data in payloads and resources as stored: the console masks it for everyone else, and payload search
   * on a path that may hold it needs this scope. */
  PII("webhooks:pii");

  private final String value;

  Scope(String value) {
    this.value = value;
  }

  public String value() {
    return value;
  }
}
