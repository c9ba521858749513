package io.webhookinbox.retry;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.webhookinbox.events.EventClaims;
import io.webhookinbox.events.EventClaims.DeadLettered;
import io.webhookinbox.telemetry.InboxMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Ends the leases that ran out on the event's last allowed attempt: that attempt never finished (its replica
 * crashed or stalled, perhaps because of this very event), so the event is dead rather than claimed forever. An
 * expired lease with retries left is claimed again by the scheduler like a due retry.
 */
final class LeaseRescuer {
  static final String LEASE_EXPIRED = "lease expired: the last allowed attempt did not finish (replica crashed or"
    + " stalled)";
  private static final Logger LOG = LoggerFactory.getLogger(LeaseRescuer.class);

  private final InboxMetrics metrics;

  LeaseRescuer(InboxMetrics metrics) {
    this.metrics = metrics;
  }

  /** Dead-letters up to {@code batchSize} of them in the caller's transaction (after the multi-row lock). */
  Future<List<DeadLettered>> rescue(SqlConnection connection, int maxAttempts, int batchSize) {
    return EventClaims.deadLetterExpired(connection, maxAttempts, batchSize, LEASE_EXPIRED);
  }

  /** Reports what {@link #rescue} dead-lettered, once its transaction committed. */
  void report(List<DeadLettered> dead) {
    for (DeadLettered event : dead) {
      LOG.warn("Event row {} dead-lettered after {} attempt(s): {}", event.rowId(), event.attempts(), LEASE_EXPIRED);
      metrics.deadLettered(event.source());
    }
  }
}
