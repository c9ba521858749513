package io.webhookinbox.ingest;

/** A new delivery as the worker receives it: the validated command and who sent it under which correlation id. */
record Delivery(IngestCommand command, String correlationId, String principal) {
  /** Deliveries with the same key are the same event: they never share a group commit. */
  String key() {
    return command.source() + '\u0000' + command.eventId();
  }
}
