package io.webhookinbox.ingest;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.webhookinbox.config.DatabaseConfig;
import io.webhookinbox.config.IngestConfig;
import io.webhookinbox.db.BoundedPool;
import io.webhookinbox.db.Pools;
import io.webhookinbox.db.BusReplies;
import io.webhookinbox.db.DbErrors;
import io.webhookinbox.telemetry.LogContext;
import io.webhookinbox.telemetry.InboxMetrics;
import io.webhookinbox.config.RuntimeSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * The worker: takes new deliveries from the HTTP verticle and claimed retries from the scheduler, and runs their
 * transactions ({@link Inbox}). It only runs non-blocking SQL, so it lives on an event loop; "worker" names its role.
 * Retries run on a pool of their own, in the one instance given one, so a bulk replay can never take the
 * connections new deliveries need.
 */
public final class IngestVerticle extends VerticleBase {
  /**
   * Worker n (1, 2, …) takes new deliveries at this address followed by {@code .n}; {@link IngestClient} sends all
   * copies of one event there, so they meet in one group commit queue instead of racing in two transactions.
   */
  public static final String ADDRESS = "webhook-inbox.ingest";
  /**
   * Body: {@code {"id": <row id>, "receivedAt": "<RFC 3339>", "leaseToken": "<uuid>"}} (receipt time: the event's
   * partition); reply: {@code {"status": "<final status>"}}.
   */
  public static final String RETRY_ADDRESS = "webhook-inbox.ingest.retry";
  /** Liveness asks a worker to answer here: an event loop stuck in a worker shows up as a failed probe. */
  public static final String PING_ADDRESS = "webhook-inbox.ingest.ping";
  /**
   * Readiness asks worker n at this address followed by {@code .n} whether its pool can store now: it answers from
   * its last database use when that succeeded recently, else from a probe query through the same pool.
   */
  public static final String READY_ADDRESS = "webhook-inbox.ingest.ready";
  /** A pool whose last success is older than this is probed when readiness asks. */
  static final long RECENT_SUCCESS_NANOS = 5_000_000_000L;
  /** PostgreSQL channel notified when an event becomes due for a retry; the scheduler listens on it. */
  public static final String RETRY_CHANNEL = "webhook_inbox_retry";
  public static final String CORRELATION_HEADER = "correlationId";
  public static final String PRINCIPAL_HEADER = "principal";
  private static final Logger LOG = LoggerFactory.getLogger(IngestVerticle.class);

  private final DatabaseConfig database;
  private final int instance;
  private final int poolSize;
  private final int retryPoolSize;
  private final Map<String, SourceApplier> appliers;
  private final RuntimeSettings settings;
  private final InboxMetrics metrics;
  private final IngestConfig ingest;
  private final Map<String, GroupCommit> groupCommits = new HashMap<>();
  private Inbox inbox;
  private Inbox retries;

  /**
   * @param instance this instance's number, which names its pool in the metrics ({@code ingest-1}, …)
   * @param retryPoolSize     connections for retries; 0: this instance takes no retries
   */
  public IngestVerticle(DatabaseConfig database, IngestConfig ingest, int instance, int poolSize, int retryPoolSize,
                        Map<String, SourceApplier> appliers, RuntimeSettings settings, InboxMetrics metrics) {
    this.database = database;
    this.ingest = ingest;
    this.instance = instance;
    this.poolSize = poolSize;
    this.retryPoolSize = retryPoolSize;
    this.appliers = Map.copyOf(appliers);
    this.settings = settings;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    BoundedPool pool = Pools.createForKeyLookups(vertx, database, poolSize, "ingest-" + instance,
      () -> settings.webhooks().timeoutSeconds(), ingest.batchLockTimeoutMs());
    RetryWakeUp wakeUp = new RetryWakeUp(vertx, pool);
    inbox = new Inbox(pool, appliers, settings, metrics, wakeUp);
    appliers.forEach((source, applier) -> {
      if (applier.batchUpsert() != null) {
        String statement = EventStore.batchStatement(applier.batchUpsert());
        groupCommits.put(source, new GroupCommit(Math.min(poolSize, ingest.concurrentCommits()), ingest.maxBatch(),
          ingest.maxQueued(), () -> settings.webhooks().timeoutSeconds() * 1_000_000_000L,
          batch -> inbox.ingestBatch(source, statement, batch)));
      }
    });
    List<Future<?>> consumers = new ArrayList<>(List.of(
      vertx.eventBus().<IngestCommand>localConsumer(address(instance), this::onIngest).completion(),
      vertx.eventBus().localConsumer(PING_ADDRESS, ping -> ping.reply("pong")).completion(),
      vertx.eventBus().localConsumer(READY_ADDRESS + "." + instance, ask -> canStore(pool)
        .onSuccess(ask::reply)
        .onFailure(failure -> ask.fail(503, DbErrors.describe(failure)))).completion()));
    if (retryPoolSize > 0) {
      retries = new Inbox(Pools.create(vertx, database, retryPoolSize, "retry",
        () -> settings.webhooks().timeoutSeconds()), appliers, settings, metrics, wakeUp);
      consumers.add(vertx.eventBus().<JsonObject>localConsumer(RETRY_ADDRESS, this::onRetry).completion());
    }
    return Future.all(consumers);
  }

  private static Future<String> canStore(BoundedPool pool) {
    if (pool.reachable() && pool.nanosSinceSuccess() < RECENT_SUCCESS_NANOS) {
      return Future.succeededFuture("stored recently");
    }
    return pool.query("SELECT 1").map("probe answered");
  }

  /** Where worker {@code instance} (1-based) takes new deliveries. */
  static String address(int instance) {
    return ADDRESS + "." + instance;
  }

  private void onIngest(Message<IngestCommand> message) {
    IngestCommand command = message.body();
    String correlationId = message.headers().get(CORRELATION_HEADER);
    LogContext.bind(correlationId, command.eventId());
    String principal = message.headers().get(PRINCIPAL_HEADER);
    GroupCommit groupCommit = groupCommits.get(command.source());
    Future<IngestOutcome> stored = groupCommit != null
      ? groupCommit.submit(new Delivery(command, correlationId, principal))
          .onSuccess(outcome -> Inbox.logStored(command, outcome))
      : inbox.ingest(command, correlationId, principal);
    stored.onSuccess(message::reply)
      .onFailure(failure -> BusReplies.fail(message, failure, LOG, "storing event"));
  }

  private void onRetry(Message<JsonObject> message) {
    LogContext.bind(message.headers().get(CORRELATION_HEADER), null);
    long id = message.body().getLong("id");
    retries.retry(id, OffsetDateTime.parse(message.body().getString("receivedAt")),
        UUID.fromString(message.body().getString("leaseToken")))
      .onSuccess(status -> {
        if (status != null) {
          metrics.retried(message.body().getString("source"), status.db());
        }
        message.reply(new JsonObject().put("status", status == null ? "lease-lost" : status.db()));
      })
      // The event keeps its lease; when it runs out the scheduler claims it again.
      .onFailure(failure -> BusReplies.fail(message, failure, LOG, "retrying event row " + id));
  }

}
