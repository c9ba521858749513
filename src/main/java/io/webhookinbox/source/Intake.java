package io.webhookinbox.source;

import io.vertx.core.Future;
import io.webhookinbox.events.NewEvent;

/** Where an endpoint hands a validated delivery; every failure is an {@code ApiError} for the error envelope. */
public interface Intake {
  /** 503 with Retry-After while operators have disabled the endpoints; call before reading a body. */
  void requireActive();

  /** Whether deliveries of this type are applied now (others are stored as ignored). */
  boolean enabled(String eventType);

  /** Stores the event (and applies it when it should be); completes once it is committed. */
  Future<IngestOutcome> submit(NewEvent event);
}
