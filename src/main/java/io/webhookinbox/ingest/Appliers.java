package io.webhookinbox.ingest;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.webhookinbox.events.Applied;
import io.webhookinbox.events.EventStore;
import io.webhookinbox.events.StoredEvent;
import io.webhookinbox.source.SourceApplier;

import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** The appliers of the sources, by source name, and the one way an event is applied and finished. */
public final class Appliers {
  private final Map<String, SourceApplier> bySource;

  public Appliers(Collection<SourceApplier> appliers) {
    Map<String, SourceApplier> map = new LinkedHashMap<>();
    appliers.forEach(applier -> map.put(applier.source(), applier));
    this.bySource = Map.copyOf(map);
  }

  SourceApplier of(String source) {
    return bySource.get(source);
  }

  Collection<SourceApplier> all() {
    return bySource.values();
  }

  /** Applies the stored event in the caller's transaction. */
  Future<Applied> apply(SqlConnection connection, StoredEvent event) {
    SourceApplier applier = bySource.get(event.source());
    if (applier == null) {
      return Future.failedFuture(new IllegalStateException("No applier for source " + event.source()));
    }
    try {
      return applier.apply(connection, event);
    } catch (RuntimeException unreadable) {
      // A stored document the applier cannot read (written by hand, or by an older schema) fails this attempt like
      // any other fault, so it is retried and dead-lettered with its reason instead of waiting out its lease.
      return Future.failedFuture(unreadable);
    }
  }

  /**
   * Applies the stored event (row {@code rowId}) in the caller's transaction and marks it finished with the resource
   * version and the processing time since {@code startedNanos}.
   */
  Future<Applied> applyAndFinish(SqlConnection connection, long rowId, OffsetDateTime receivedAt, StoredEvent event,
                                 long startedNanos) {
    return apply(connection, event)
      .compose(applied -> EventStore.finish(connection, rowId, receivedAt, applied.status(), applied.resourceVersion(),
        elapsedMs(startedNanos)).map(applied));
  }

  static int elapsedMs(long startedNanos) {
    return (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - startedNanos) / 1_000_000);
  }
}
