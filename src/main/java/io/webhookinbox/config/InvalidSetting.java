package io.webhookinbox.config;

/**
 * A setting that fails its check, with the full key ({@code retry.multiplier}) and the rule it breaks, so the API
 * can name the field without parsing the message. The message is "key reason", as start-up errors print it.
 */
public class InvalidSetting extends IllegalArgumentException {
  private final String key;
  private final String reason;

  public InvalidSetting(String key, String reason) {
    super(key + " " + reason);
    this.key = key;
    this.reason = reason;
  }

  /** Section and key, e.g. {@code webhooks.timeoutSeconds}. */
  public String key() {
    return key;
  }

  /** The rule, never the value given (e.g. "must be between 1 and 300"). */
  public String reason() {
    return reason;
  }
}
