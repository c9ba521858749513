package io.webhookinbox.ingest;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * A validated delivery on its way from the HTTP verticle to the worker (local event bus, never copied).
 *
 * @param externalId     the source's business key (Cisive external order id, Stripe payment intent id)
 * @param payload        the parsed body, handed to the source's applier
 * @param rawPayload     the body as received, stored as jsonb
 * @param apply          false for an event type that is stored but not applied (status {@code ignored})
 * @param receivedNanos  {@link System#nanoTime()} at receipt, for the processing time
 * @param idDecides      the sender's verified signature vouches for the event id, and the sender may resend an
 *                       event with live fields changed (Stripe's {@code pending_webhooks}): a stored event with the
 *                       same id is this event, a duplicate, whatever the bytes. False where the sender controls the
 *                       bytes of an id it chose (Cisive): a different payload under a stored id is then a conflict.
 */
public record IngestCommand(String source, String eventId, String eventType, String externalId,
                            OffsetDateTime occurredAt, String schemaVersion, JsonObject payload, String rawPayload,
                            String payloadSha256, boolean apply, Instant receivedAt, long receivedNanos,
                            boolean idDecides) {

  /** The receipt time as stored: it names the event's partition (a UTC day). */
  public OffsetDateTime receivedAtUtc() {
    return OffsetDateTime.ofInstant(receivedAt, ZoneOffset.UTC);
  }
}
