package io.webhookinbox.retry;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.webhookinbox.db.BoundedPool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import io.webhookinbox.config.DatabaseConfig;
import io.webhookinbox.config.RuntimeSettings;
import io.webhookinbox.config.SchedulerConfig;
import io.webhookinbox.db.ConnectionBudget;
import io.webhookinbox.db.Pools;
import io.webhookinbox.db.DbErrors;
import io.webhookinbox.db.Listener;
import io.webhookinbox.db.RollupLocks;
import io.webhookinbox.ingest.IngestVerticle;
import io.webhookinbox.telemetry.InboxMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Finds due retries and hands them to the worker. Each poll claims a batch with {@code FOR UPDATE SKIP LOCKED}
 * and a lease, so replicas never work the same event at once and an event whose replica died (lease ran out) is
 * claimed again. Between polls it sleeps until the next event is due (at most the poll interval), and a NOTIFY
 * from any replica wakes it at once; an idle poll is two index lookups on small partial indexes.
 */
public final class SchedulerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SchedulerVerticle.class);
  private static final long MIN_DELAY_MS = 25;
  private static final long LOCKED_DUE_BACKOFF_MS = 1000;

  /**
   * Due retries and expired leases, each from its own partial index ({@code now()} is stable, so it can drive an
   * index condition; each poll is its own transaction).
   */
  static final String CLAIM_DUE = """
    WITH due AS (
      SELECT id, received_at FROM webhook_events
      WHERE status = 'failed' AND next_attempt_at <= now()
      ORDER BY next_attempt_at
      LIMIT $1
      FOR UPDATE SKIP LOCKED),
    expired AS (
      SELECT id, received_at FROM webhook_events
      WHERE status = 'processing' AND lease_until < now() AND attempts <= $3
      LIMIT $1
      FOR UPDATE SKIP LOCKED)
    UPDATE webhook_events e
    SET status = 'processing', attempts = e.attempts + 1, lease_token = gen_random_uuid(),
        lease_until = clock_timestamp() + $2::bigint * interval '1 millisecond'
    FROM (SELECT id, received_at FROM due UNION ALL SELECT id, received_at FROM expired) picked
    WHERE e.id = picked.id AND e.received_at = picked.received_at
    RETURNING e.id, e.received_at, e.source, e.lease_token, e.correlation_id""";

  /**
   * Expired leases of events whose attempt was their last allowed one ({@code attempts} counts the first delivery
   * too, so retries made = attempts - 1 reached {@code maxAttempts} = $1): that attempt never finished (its replica
   * crashed or stalled, perhaps because of this very event), so the event is dead, not claimed again forever.
   */
  static final String DEAD_LETTER_EXPIRED = """
    WITH expired AS (
      SELECT id, received_at FROM webhook_events
      WHERE status = 'processing' AND lease_until < now() AND attempts > $1
      LIMIT $2
      FOR UPDATE SKIP LOCKED),
    dead AS (
      UPDATE webhook_events e
      SET status = 'dead', last_error = $3, lease_token = NULL, lease_until = NULL, next_attempt_at = NULL
      FROM expired WHERE e.id = expired.id AND e.received_at = expired.received_at
      RETURNING e.id, e.received_at, e.attempts, e.source, e.correlation_id),
    recorded AS (
      INSERT INTO webhook_event_attempts (event_row_id, event_received_at, attempt, started_at, finished_at, outcome,
                                          error)
      SELECT id, received_at, attempts, clock_timestamp(), clock_timestamp(), 'dead', $3 FROM dead
      ON CONFLICT DO NOTHING)
    SELECT id, source, correlation_id, attempts FROM dead""";
  static final String LEASE_EXPIRED = "lease expired: the last allowed attempt did not finish (replica crashed or"
    + " stalled)";

  /**
   * Milliseconds until the next failed event is due or lease runs out (null when there is none), and the backlog.
   * Run prepared: without parameters its plan is made once per connection, where planning it over a retention
   * period of partitions (three scans of each) cost 30-140 ms of database CPU on every poll.
   */
  static final String NEXT_DUE = """
    SELECT (extract(epoch FROM least(
              (SELECT min(next_attempt_at) FROM webhook_events WHERE status = 'failed'),
              (SELECT min(lease_until) FROM webhook_events WHERE status = 'processing'))
            - clock_timestamp()) * 1000)::bigint AS due_in_ms,
           (SELECT count(*) FROM webhook_events WHERE status = 'failed') AS backlog""";

  private final DatabaseConfig database;
  private final RuntimeSettings settings;
  private final InboxMetrics metrics;
  private BoundedPool pool;
  private Listener listener;
  private boolean polling;
  private boolean pollAgain;
  private boolean stopped;
  private long timerId = -1;
  private Future<Integer> inFlightBatch = Future.succeededFuture(0);

  public SchedulerVerticle(DatabaseConfig database, RuntimeSettings settings, InboxMetrics metrics) {
    this.database = database;
    this.settings = settings;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    pool = Pools.create(vertx, database, ConnectionBudget.SCHEDULER, "scheduler", () -> settings.webhooks().timeoutSeconds());
    new Requeue(vertx, pool).register();
    listener = Listener.start(vertx, database, IngestVerticle.RETRY_CHANNEL, payload -> pollSoon(), subscribed -> pollSoon(),
      1000, LOG);
    pollSoon();
    return Future.succeededFuture();
  }

  /** Stops claiming; the batch already handed to the worker gets a bounded time to finish (leases cover the rest). */
  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timerId);
    return Future.join(listener.close(), inFlightBatch.timeout(10, TimeUnit.SECONDS).otherwiseEmpty());
  }

  private void pollSoon() {
    if (stopped) {
      return;
    }
    if (polling) {
      pollAgain = true;
      return;
    }
    vertx.cancelTimer(timerId);
    poll();
  }

  private void poll() {
    polling = true;
    SchedulerConfig config = settings.scheduler();
    Future<Long> nextDelay;
    if (config.enabled()) {
      inFlightBatch = claimAndDispatch(config);
      nextDelay = inFlightBatch.compose(claimed -> claimed >= config.batchSize()
        ? Future.succeededFuture(0L) : nextDueInMs(config, claimed == 0));
    } else {
      nextDelay = Future.succeededFuture(config.pollIntervalMs());
    }
    nextDelay.onComplete(result -> {
      polling = false;
      long delay;
      if (result.failed()) {
        LOG.warn("Retry poll failed: {}", DbErrors.describe(result.cause()));
        delay = config.pollIntervalMs();
      } else {
        delay = result.result();
      }
      if (pollAgain) {
        pollAgain = false;
        delay = 0;
      }
      schedule(delay);
    });
  }

  private void schedule(long delayMs) {
    if (stopped) {
      return;
    }
    if (delayMs <= 0) {
      // Re-poll on the next turn of the event loop, not recursively.
      timerId = -1;
      vertx.runOnContext(v -> pollSoon());
    } else {
      timerId = vertx.setTimer(delayMs, id -> pollSoon());
    }
  }

  /**
   * Dead-letters the expired claims that used the last attempt, claims up to a batch and waits until the worker
   * finished them all, which bounds the work in flight.
   */
  private Future<Integer> claimAndDispatch(SchedulerConfig config) {
    int maxAttempts = settings.retry().maxAttempts();
    List<Row> dead = new ArrayList<>();
    return pool.withTransaction(connection -> RollupLocks.multiRow(connection)
        .compose(locked -> connection.preparedQuery(DEAD_LETTER_EXPIRED)
          .execute(Tuple.of(maxAttempts, config.batchSize(), LEASE_EXPIRED)))
        .compose(deadRows -> {
          deadRows.forEach(dead::add);
          return connection.preparedQuery(CLAIM_DUE)
            .execute(Tuple.of(config.batchSize(), config.leaseTimeoutMs(), maxAttempts));
        }))
      .onSuccess(committed -> dead.forEach(this::reportDead))
      .compose(rows -> {
        List<Future<?>> attempts = new ArrayList<>();
        for (Row row : rows) {
          attempts.add(dispatch(vertx, row, config.leaseTimeoutMs()));
        }
        return Future.join(attempts).transform(done -> Future.succeededFuture(rows.size()));
      });
  }

  private void reportDead(Row row) {
    LOG.warn("Event row {} dead-lettered after {} attempt(s): {}", row.getLong("id"), row.getInteger("attempts"),
      LEASE_EXPIRED);
    metrics.deadLettered(row.getString("source"));
  }

  /** Sends one claimed event to the worker; the lease covers a worker that never answers. */
  static Future<?> dispatch(io.vertx.core.Vertx vertx, Row row, long leaseTimeoutMs) {
    JsonObject claim = new JsonObject()
      .put("id", row.getLong("id"))
      .put("receivedAt", row.getOffsetDateTime("received_at").toString())
      .put("source", row.getString("source"))
      .put("leaseToken", row.getUUID("lease_token").toString());
    DeliveryOptions options = new DeliveryOptions().setLocalOnly(true).setSendTimeout(leaseTimeoutMs)
      .addHeader(IngestVerticle.CORRELATION_HEADER, row.getString("correlation_id"));
    return vertx.eventBus().request(IngestVerticle.RETRY_ADDRESS, claim, options);
  }

  /**
   * @param claimedNothing an event due now that this poll could not claim is locked by someone: another replica
   *                       claiming it, or an attempt running past its lease. Wait a second rather than spin.
   */
  private Future<Long> nextDueInMs(SchedulerConfig config, boolean claimedNothing) {
    return pool.preparedQuery(NEXT_DUE, Tuple.tuple()).map((RowSet<Row> rows) -> {
      Row row = rows.iterator().next();
      metrics.retryBacklog(row.getLong("backlog"));
      Long dueIn = row.getLong("due_in_ms");
      if (dueIn == null) {
        return config.pollIntervalMs();
      }
      long delay = dueIn > 0 ? dueIn : claimedNothing ? LOCKED_DUE_BACKOFF_MS : MIN_DELAY_MS;
      return Math.min(config.pollIntervalMs(), Math.max(MIN_DELAY_MS, delay));
    });
  }
}
