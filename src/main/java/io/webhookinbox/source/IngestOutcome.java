package io.webhookinbox.source;

/**
 * What storing one delivery came to.
 *
 * @param resourceVersion version of the order/payment after this event (null when not applied yet)
 * @param recordExpired   a duplicate of an event whose stored record retention removed (it was finished; its key
 *                        stays for {@code retention.dedupKeys} days): said in the answer, not silently a duplicate
 */
public record IngestOutcome(String eventId, IngestStatus status, String externalId, Integer resourceVersion,
                            boolean recordExpired) {
  public IngestOutcome(String eventId, IngestStatus status, String externalId, Integer resourceVersion) {
    this(eventId, status, externalId, resourceVersion, false);
  }
}
