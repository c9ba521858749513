package io.webhookinbox.ingest;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.webhookinbox.api.ApiError;
import io.webhookinbox.api.ErrorCode;
import io.webhookinbox.events.NewEvent;
import io.webhookinbox.source.IngestOutcome;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Group commit for one ingest verticle: a delivery starts a transaction at once while fewer than {@code maxRunning} are
 * running; otherwise it waits, and the deliveries that arrived meanwhile go together in the next transaction
 * (at most {@code maxBatch}, never two with the same event id). Each sender is answered after the commit that
 * holds its event, on its own context, so the lines it causes carry its correlation id. Runs on the ingest
 * verticle's event loop only, so it needs no locks.
 *
 * <p>Bounded while the database stalls: at most {@code maxQueued} deliveries wait (more are refused at once, 503
 * 5121), and a delivery whose sender's wait ended (it got 503 at the processing timeout and will send it again) is
 * dropped instead of being stored late: its payload does not stay in memory after its capacity was released.
 * A delivery with less than {@link #MIN_REMAINING_NANOS} of its wait left is not started at all: its batch would
 * be cancelled at that sender's deadline (see {@link Inbox#ingestBatch}), and a cancel sent before the statement
 * reaches the server would not stop it.
 *
 * <p>Lingering: a group commit costs PostgreSQL about as much CPU as four events in it (the statement's start-up, its
 * triggers, the commit), so at a steady moderate rate, where each commit would otherwise hold one or two
 * deliveries, a batch of fewer than {@link #ENOUGH} waits up to {@code lingerMs} for more, but only while
 * deliveries arrive faster than one per {@code lingerMs} on average: a lone delivery at a low rate never waits.
 */
final class GroupCommit {
  /** Starts {@code task} after {@code delayMs} on the group commit's event loop; cancel takes what it returned. */
  interface Timers {
    long start(long delayMs, Runnable task);

    void cancel(long timer);
  }

  /** {@code context} is the delivery's own (its event-bus message's), where its answer must complete. */
  private record Waiting(NewEvent delivery, Promise<IngestOutcome> answer, Context context) {
    void complete(AsyncResult<IngestOutcome> result) {
      if (context == null) {
        answer.handle(result);
      } else {
        context.runOnContext(ignored -> answer.handle(result));
      }
    }
  }

  static final long MIN_REMAINING_NANOS = 250_000_000L;
  /** A batch this large amortises the commit's fixed cost (measured: at 8 it is about a third of the total). */
  static final int ENOUGH = 8;
  /** The mean gap between arrivals is an average over about the last {@code 1 << GAP_SHIFT} arrivals. */
  private static final int GAP_SHIFT = 3;
  private final int maxRunning;
  private final int maxBatch;
  private final int maxQueued;
  private final LongSupplier timeoutNanos;
  private final Function<List<NewEvent>, Future<List<IngestOutcome>>> commit;
  private final ArrayDeque<Waiting> queue = new ArrayDeque<>();
  private final long lingerMs;
  private final Timers timers;
  private final LongSupplier nanoTime;
  private int running;
  private long lastArrivalNanos;
  private long meanGapNanos = Long.MAX_VALUE;
  private long lingerTimer = -1;

  /**
   * @param timeoutNanos how long a sender waits for its answer (read per use: the processing timeout)
   * @param lingerMs     how long a small batch may wait for more deliveries at a steady rate; 0: never
   * @param commit       stores a batch and completes with one outcome per delivery, in order
   */
  GroupCommit(int maxRunning, int maxBatch, int maxQueued, LongSupplier timeoutNanos, long lingerMs, Timers timers,
              LongSupplier nanoTime, Function<List<NewEvent>, Future<List<IngestOutcome>>> commit) {
    this.maxRunning = maxRunning;
    this.maxBatch = maxBatch;
    this.maxQueued = maxQueued;
    this.timeoutNanos = timeoutNanos;
    this.lingerMs = lingerMs;
    this.timers = timers;
    this.nanoTime = nanoTime;
    this.commit = commit;
  }

  Future<IngestOutcome> submit(NewEvent delivery) {
    dropExpired();
    if (queue.size() >= maxQueued) {
      return Future.failedFuture(new ApiError(ErrorCode.SERVER_BUSY, "this replica is at capacity"));
    }
    noteArrival();
    Promise<IngestOutcome> answer = Promise.promise();
    queue.add(new Waiting(delivery, answer, Vertx.currentContext()));
    if (lingerTimer >= 0 && queue.size() >= Math.min(ENOUGH, maxBatch)) {
      timers.cancel(lingerTimer);
      lingerTimer = -1;
      startBatches(true);
    } else {
      startBatches(false);
    }
    return answer.future();
  }

  /**
   * Keeps a running mean of the gaps between arrivals; a gap counts as at most four lingers, so one pause does not
   * outweigh a steady rate for long.
   */
  private void noteArrival() {
    long now = nanoTime.getAsLong();
    long cap = lingerMs * 1_000_000L * 4;
    if (lastArrivalNanos != 0 && cap > 0) {
      long gap = Math.min(now - lastArrivalNanos, cap);
      meanGapNanos = meanGapNanos == Long.MAX_VALUE ? gap : meanGapNanos + ((gap - meanGapNanos) >> GAP_SHIFT);
    }
    lastArrivalNanos = now;
  }

  private boolean shouldLinger() {
    return lingerMs > 0 && queue.size() < Math.min(ENOUGH, maxBatch) && meanGapNanos < lingerMs * 1_000_000L;
  }

  int waiting() {
    return queue.size();
  }

  /**
   * Deliveries wait in arrival order, so those whose senders stopped waiting, or are about to, are at the head.
   */
  private void dropExpired() {
    long timeout = timeoutNanos.getAsLong();
    while (!queue.isEmpty() && queue.peek().delivery().receipt().nanosLeft(timeout) < MIN_REMAINING_NANOS) {
      queue.poll().complete(Future.failedFuture(new ApiError(ErrorCode.PROCESSING_TIMEOUT, "processing timeout")));
    }
  }

  /** @param lingered true once a small batch has waited its time: it goes now, whatever its size */
  private void startBatches(boolean lingered) {
    dropExpired();
    if (lingerTimer >= 0) {
      return;
    }
    while (running < maxRunning && !queue.isEmpty()) {
      if (!lingered && shouldLinger()) {
        lingerTimer = timers.start(lingerMs, () -> {
          lingerTimer = -1;
          startBatches(true);
        });
        return;
      }
      lingered = false;
      List<Waiting> batch = takeBatch();
      running++;
      commit.apply(batch.stream().map(Waiting::delivery).toList()).onComplete(result -> {
        running--;
        for (int i = 0; i < batch.size(); i++) {
          batch.get(i).complete(result.succeeded()
            ? Future.succeededFuture(result.result().get(i)) : Future.failedFuture(result.cause()));
        }
        startBatches(false);
      });
    }
  }

  /**
   * The oldest waiting deliveries, skipping (and keeping for the next batch) a second one of the same event. A group
   * commit holds one source's deliveries, so the event id alone tells copies apart.
   */
  private List<Waiting> takeBatch() {
    List<Waiting> batch = new ArrayList<>(Math.min(maxBatch, queue.size()));
    Set<String> eventIds = new HashSet<>();
    for (Iterator<Waiting> it = queue.iterator(); it.hasNext() && batch.size() < maxBatch; ) {
      Waiting next = it.next();
      if (eventIds.add(next.delivery().eventId())) {
        batch.add(next);
        it.remove();
      }
    }
    return batch;
  }
}
