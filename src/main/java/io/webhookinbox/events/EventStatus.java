package io.webhookinbox.events;

import java.util.Locale;

/** {@code webhook_events.status}: where a stored event is in its lifecycle. */
public enum EventStatus {
  PROCESSING, PROCESSED, STALE, IGNORED, FAILED, DEAD;

  public String db() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static EventStatus fromDb(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
