package io.webhookinbox.events;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.webhookinbox.telemetry.Tracing;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * A validated delivery on its way to being stored: what the sender said, the body as received, and the receipt.
 * Passed by reference from the HTTP verticle to the ingest verticle (local event bus, never copied).
 *
 * @param apply     false for an event type that is stored but not applied (status {@code ignored})
 * @param idDecides the sender's verified signature vouches for the event id, and the sender may resend an event
 *                  with live fields changed: a stored event with the same id is this event, a duplicate, whatever
 *                  the bytes. False where the sender controls the bytes of an id it chose: a different payload
 *                  under a stored id is then a conflict.
 */
public record NewEvent(Identity identity, Body body, Receipt receipt, boolean apply, boolean idDecides) {

  /**
   * What the event says of itself.
   *
   * @param externalId the id of the resource it changes (the source's business key)
   */
  public record Identity(String source, String eventId, String eventType, String externalId,
                         OffsetDateTime occurredAt, String schemaVersion) {
  }

  /** The body parsed (for the source's applier) and as received (stored as jsonb, fingerprinted). */
  public record Body(JsonObject parsed, String raw, String sha256) {
    /** The body as received, with its fingerprint. */
    public static Body of(JsonObject parsed, Buffer raw) {
      byte[] bytes = raw.getBytes();
      return new Body(parsed, new String(bytes, StandardCharsets.UTF_8), Payloads.sha256Hex(bytes));
    }
  }

  /**
   * When and from whom it arrived.
   *
   * @param nanos       {@link System#nanoTime()} at receipt, for the processing time and the sender's deadline
   * @param traceParent the W3C trace context of the request's span (null when not traced): stored with the event
   */
  public record Receipt(Instant at, long nanos, String correlationId, String principal, String traceParent) {
    /** Received now, in the current request's trace. */
    public static Receipt now(String correlationId, String principal) {
      return new Receipt(Instant.now(), System.nanoTime(), correlationId, principal, Tracing.currentTraceParent());
    }

    /**
     * What is left of the sender's wait, given the processing timeout: the sender's wait starts after the receipt, so
     * it never ends before this says it does. Negative once it has.
     */
    public long nanosLeft(long timeoutNanos) {
      return nanos + timeoutNanos - System.nanoTime();
    }

    /** The receipt time as stored: it names the event's partition (a UTC day). */
    public OffsetDateTime utc() {
      return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }
  }

  public String source() {
    return identity.source();
  }

  public String eventId() {
    return identity.eventId();
  }

  public String eventType() {
    return identity.eventType();
  }

  public String externalId() {
    return identity.externalId();
  }

  /** The event as an applier reads it. */
  public StoredEvent toStored() {
    return new StoredEvent(identity.source(), identity.eventId(), identity.eventType(), identity.externalId(),
      identity.occurredAt(), body.parsed(), receipt.principal(), receipt.correlationId());
  }
}
