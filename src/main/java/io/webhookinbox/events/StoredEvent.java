package io.webhookinbox.events;

import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;

/** An event as an applier needs it, whether fresh from HTTP or reloaded for a retry. */
public record StoredEvent(String source, String eventId, String eventType, String externalId,
                          OffsetDateTime occurredAt, JsonObject payload, String principal, String correlationId) {
}
