package io.webhookinbox.ingest;

import io.opentelemetry.api.trace.Span;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.webhookinbox.api.ApiError;
import io.webhookinbox.config.DatabaseConfig;
import io.webhookinbox.config.IngestConfig;
import io.webhookinbox.config.RuntimeSettings;
import io.webhookinbox.db.BoundedPool;
import io.webhookinbox.db.ConnectionBudget;
import io.webhookinbox.db.DbErrors;
import io.webhookinbox.db.DbFailures;
import io.webhookinbox.db.Pools;
import io.webhookinbox.events.EventClaims.Claim;
import io.webhookinbox.events.EventClaims.ClaimBatch;
import io.webhookinbox.events.EventStatus;
import io.webhookinbox.events.EventStore;
import io.webhookinbox.events.NewEvent;
import io.webhookinbox.source.IngestOutcome;
import io.webhookinbox.source.SourceApplier;
import io.webhookinbox.telemetry.InboxMetrics;
import io.webhookinbox.telemetry.LogContext;
import io.webhookinbox.telemetry.Tracing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Stores what the HTTP verticles accept and attempts what the scheduler claims: new deliveries go through a group
 * commit per source, claimed events (retries, replays) are attempted a chunk per transaction ({@link Attempts}) on a
 * pool of their own, in the one instance given one, so a bulk replay can never take the connections new deliveries
 * need. It runs only non-blocking SQL, on an event loop.
 */
public final class IngestVerticle extends VerticleBase {
  /**
   * Instance n (1, 2, …) takes new deliveries at this address followed by {@code .n}; {@link IngestClient} sends all
   * copies of one event there, so they meet in one group commit queue instead of racing in two transactions.
   */
  public static final String ADDRESS = "webhook-inbox.ingest";
  /** The status of an attempt whose lease another replica took over. */
  static final String LEASE_LOST = "lease-lost";
  /** Claimed events to attempt: body a {@link ClaimBatch}, reply the statuses they ended in (a JSON array). */
  public static final String ATTEMPT_ADDRESS = "webhook-inbox.ingest.attempt";
  /** Liveness asks an instance to answer here: an event loop stuck in it shows up as a failed probe. */
  public static final String PING_ADDRESS = "webhook-inbox.ingest.ping";
  /**
   * Readiness asks instance n at this address followed by {@code .n} whether its pool can store now: it answers from
   * its last database use when that succeeded recently, else from a probe query through the same pool.
   */
  public static final String READY_ADDRESS = "webhook-inbox.ingest.ready";
  /** A pool whose last success is older than this is probed when readiness asks. */
  static final long RECENT_SUCCESS_NANOS = 5_000_000_000L;
  private static final Logger LOG = LoggerFactory.getLogger(IngestVerticle.class);

  /**
   * What every instance shares.
   *
   * @param appliers the sources' appliers (each with a group commit form, or none)
   */
  public record Shared(DatabaseConfig database, IngestConfig config, Appliers appliers, RuntimeSettings settings,
                       InboxMetrics metrics, ConnectionBudget budget, Tracing tracing) {
  }

  private final Shared shared;
  private final int instance;
  private final Map<String, GroupCommit> groupCommits = new HashMap<>();
  /** The spans of the deliveries waiting in a group commit, so each can link to the batch that stores it. */
  private final Map<NewEvent, Span> deliverySpans = new IdentityHashMap<>();
  private Inbox inbox;

  /** @param instance this instance's number (from 1), which names its pool in the metrics ({@code ingest-1}, …) */
  public IngestVerticle(Shared shared, int instance) {
    this.shared = shared;
    this.instance = instance;
  }

  @Override
  public Future<?> start() {
    RuntimeSettings settings = shared.settings();
    BoundedPool pool = Pools.createForKeyLookups(vertx, shared.database(), shared.budget().perIngestInstance(),
      "ingest-" + instance, () -> settings.webhooks().timeoutSeconds(), shared.config().batchLockTimeoutMs());
    RetryWakeUp wakeUp = new RetryWakeUp(vertx, pool);
    inbox = new Inbox(pool, shared.appliers(), settings, shared.metrics(), wakeUp);
    GroupCommit.Timers timers = new GroupCommit.Timers() {
      @Override
      public long start(long delayMs, Runnable task) {
        return vertx.setTimer(delayMs, id -> task.run());
      }

      @Override
      public void cancel(long timer) {
        vertx.cancelTimer(timer);
      }
    };
    for (SourceApplier applier : shared.appliers().all()) {
      if (applier.batchUpsert() != null) {
        String statement = EventStore.batchStatement(applier.batchUpsert(), applier.batchRank());
        groupCommits.put(applier.source(), new GroupCommit(
          Math.min(shared.budget().perIngestInstance(), shared.config().concurrentCommits()), shared.config().maxBatch(),
          shared.config().maxQueued(), () -> settings.webhooks().timeoutSeconds() * 1_000_000_000L,
          shared.config().lingerMs(), timers, System::nanoTime,
          batch -> traced(applier.source(), batch, () -> inbox.ingestBatch(applier.source(), statement, batch))));
      }
    }
    List<Future<?>> consumers = new ArrayList<>(List.of(
      vertx.eventBus().<NewEvent>localConsumer(address(instance), this::onDelivery).completion(),
      vertx.eventBus().localConsumer(PING_ADDRESS, ping -> ping.reply("pong")).completion(),
      vertx.eventBus().localConsumer(READY_ADDRESS + "." + instance, ask -> canStore(pool)
        .onSuccess(ask::reply)
        .onFailure(failure -> ask.fail(503, DbErrors.describe(failure)))).completion()));
    if (instance == 1) {
      Attempts attempts = new Attempts(Pools.create(vertx, shared.database(), shared.budget().retry(), "retry",
        () -> settings.webhooks().timeoutSeconds()), shared.appliers(), settings, shared.metrics(), wakeUp);
      consumers.add(vertx.eventBus().<ClaimBatch>localConsumer(ATTEMPT_ADDRESS, message -> onClaims(attempts, message))
        .completion());
    }
    return Future.all(consumers);
  }

  private static Future<String> canStore(BoundedPool pool) {
    if (pool.reachable() && pool.nanosSinceSuccess() < RECENT_SUCCESS_NANOS) {
      return Future.succeededFuture("stored recently");
    }
    return pool.query("SELECT 1").map("probe answered");
  }

  /** One group commit in a span of its own, linked both ways with the deliveries it stores. */
  private Future<List<IngestOutcome>> traced(String source, List<NewEvent> batch,
                                             Supplier<Future<List<IngestOutcome>>> commit) {
    if (!shared.tracing().enabled()) {
      return commit.get();
    }
    Span span = shared.tracing().startBatch(source, batch.stream().map(event -> event.receipt().traceParent())
      .toList());
    batch.forEach(event -> Tracing.linkTo(deliverySpans.getOrDefault(event, Span.getInvalid()), span));
    return Tracing.within(span, commit, outcomes -> null);
  }

  /** Where instance {@code instance} (1-based) takes new deliveries. */
  static String address(int instance) {
    return ADDRESS + "." + instance;
  }

  private void onDelivery(Message<NewEvent> message) {
    NewEvent event = message.body();
    LogContext.bind(event.receipt().correlationId(), event.eventId());
    GroupCommit groupCommit = shared.appliers().of(event.source()).batchable(event.eventType())
      ? groupCommits.get(event.source()) : null;
    Future<IngestOutcome> stored;
    if (groupCommit != null) {
      boolean traced = shared.tracing().enabled() && Tracing.currentSpan().isRecording();
      if (traced) {
        deliverySpans.put(event, Tracing.currentSpan());
      }
      stored = groupCommit.submit(event).onSuccess(outcome -> Inbox.logStored(event, outcome));
      if (traced) {
        stored = stored.andThen(done -> deliverySpans.remove(event));
      }
    } else {
      stored = inbox.ingest(event);
    }
    stored.onSuccess(message::reply).onFailure(failure -> {
      ApiError error = DbFailures.toApiError(failure, LOG, "storing event");
      message.fail(error.code().code(), error.getMessage());
    });
  }

  private void onClaims(Attempts attempts, Message<ClaimBatch> message) {
    List<Claim> claims = message.body().claims();
    attempts.attempt(claims, (claim, work) -> {
        LogContext.bind(claim.correlationId(), null);
        return Tracing.within(shared.tracing().startAttempt(claim.source(), claim.attempts(), claim.traceParent()),
          work, IngestVerticle::ended);
      })
      .onSuccess(statuses -> message.reply(new JsonArray(statuses.stream().map(IngestVerticle::ended).toList())))
      // The events keep their leases; when they run out the scheduler claims them again.
      .onFailure(failure -> {
        ApiError error = DbFailures.toApiError(failure, LOG, "attempting " + claims.size() + " claimed event(s)");
        message.fail(error.code().code(), error.getMessage());
      });
  }

  /** How an attempt ended, for its reply and its span: its status, or that its lease was lost (null). */
  private static String ended(EventStatus status) {
    return status == null ? LEASE_LOST : status.db();
  }
}
