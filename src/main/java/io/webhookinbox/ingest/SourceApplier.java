package io.webhookinbox.ingest;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;

/**
 * Applies one source's events to its own table, inside the transaction that records the event. Must be
 * idempotent per event and must never let an older event overwrite a newer state.
 */
public interface SourceApplier {
  String source();

  /**
   * Whether this event can be applied at all (its type is one this source processes and it names its resource).
   * Checked at delivery and again at replay; an event that cannot is stored as {@code ignored}.
   */
  default boolean applicable(StoredEvent event) {
    return true;
  }

  Future<Applied> apply(SqlConnection connection, StoredEvent event);
}
