package io.webhookinbox.ingest;

/**
 * The worker's answer for one delivery.
 *
 * @param resourceVersion version of the order/payment after this event (null when not applied yet)
 */
public record IngestOutcome(String eventId, IngestStatus status, String externalId, Integer resourceVersion) {
}
