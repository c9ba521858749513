package io.webhookinbox.source;

import java.util.Locale;

/** What happened to a delivery, as the sender sees it. */
public enum IngestStatus {
  /** Stored and applied. */
  PROCESSED,
  /** Same event id and payload as one already stored: nothing changed. */
  DUPLICATE,
  /** Stored, but older than what the resource already reflects: resource unchanged. */
  STALE,
  /** Stored, but its type is not enabled: not applied (can be replayed once enabled). */
  IGNORED,
  /** Stored, applying failed: it will be retried (HTTP 202). */
  QUEUED,
  /** Stored, applying failed and no retries are allowed ({@code retry.maxAttempts = 0}): needs a replay (HTTP 202). */
  DEAD,
  /** Same event id with a different payload: rejected (HTTP 409). */
  CONFLICT;

  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }
}
