package io.webhookinbox.support;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.webhookinbox.events.NewEvent;

import java.time.OffsetDateTime;

/** Deliveries as a source's webhook hands them on, for tests and benchmarks that drive the group commit directly. */
public final class Deliveries {
  private Deliveries() {
  }

  /**
   * A delivery of {@code body} (a Cisive or Stripe event: its id and type are read from it), received now and
   * enabled for its source.
   */
  public static NewEvent of(String source, JsonObject body, String externalId, OffsetDateTime occurredAt,
                            String correlationId, String principal) {
    String eventId = body.getString("eventId", body.getString("id"));
    String type = body.getString("eventType", body.getString("type"));
    return new NewEvent(new NewEvent.Identity(source, eventId, type, externalId, occurredAt, "1"),
      NewEvent.Body.of(body, Buffer.buffer(body.encode())), NewEvent.Receipt.now(correlationId, principal), true,
      false);
  }
}
