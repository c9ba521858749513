package io.webhookinbox.source;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.webhookinbox.events.Applied;
import io.webhookinbox.events.StoredEvent;

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

  /** The resource's version now, or null when it does not exist. */
  Future<Integer> currentVersion(SqlConnection connection, String resourceId);

  /**
   * The batch form of {@link #apply}, for a group commit of new deliveries: two CTEs. {@code upserted} upserts the
   * resources of the rows of {@code newest} (one row per resource, the newest event of the batch for it, with the
   * columns of {@code webhook_events} and {@code document}, the payload as jsonb) in resource order, changes a
   * resource only for an event newer than the one it reflects, and returns {@code resource_id, version,
   * event_id} for each resource it changed; then {@code current} gives {@code resource_id, version} of the
   * resources of applied {@code fresh} events that {@code upserted} left alone (stale ones: the resource reflects a
   * newer event), as stored, so a batch whose events all change their resource probes no resource twice. It is
   * declared {@code MATERIALIZED}: the record step joins it once per event, and inlined there it would probe the
   * resource table once per event pair. Null when the source has no batch form: its deliveries then run one
   * transaction each.
   */
  default String batchUpsert() {
    return null;
  }

  /**
   * Where events of one resource in one batch share their {@code occurred_at}, what orders them before their event
   * id (newest first): an SQL expression over the columns of {@code fresh}, higher is newer. "0" when the event id
   * alone decides, as it does one by one.
   */
  default String batchRank() {
    return "0";
  }

  /** Whether deliveries of this type may join a group commit; others are stored one transaction each. */
  default boolean batchable(String eventType) {
    return true;
  }
}
