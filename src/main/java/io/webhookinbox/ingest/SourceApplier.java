package io.webhookinbox.ingest;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;

/**
 * Applies one source's events to its own table, inside the transaction that records the event. Must be
 * idempotent per event and must never let an older event overwrite a newer state.
 */
public interface SourceApplier {
  String source();

  Future<Applied> apply(SqlConnection connection, StoredEvent event);
}
