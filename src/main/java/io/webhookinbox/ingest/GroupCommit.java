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
 */
final class GroupCommit {
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
  private final int maxRunning;
  private final int maxBatch;
  private final int maxQueued;
  private final LongSupplier timeoutNanos;
  private final Function<List<NewEvent>, Future<List<IngestOutcome>>> commit;
  private final ArrayDeque<Waiting> queue = new ArrayDeque<>();
  private int running;

  /**
   * @param timeoutNanos how long a sender waits for its answer (read per use: the processing timeout)
   * @param commit       stores a batch and completes with one outcome per delivery, in order
   */
  GroupCommit(int maxRunning, int maxBatch, int maxQueued, LongSupplier timeoutNanos,
              Function<List<NewEvent>, Future<List<IngestOutcome>>> commit) {
    this.maxRunning = maxRunning;
    this.maxBatch = maxBatch;
    this.maxQueued = maxQueued;
    this.timeoutNanos = timeoutNanos;
    this.commit = commit;
  }

  Future<IngestOutcome> submit(NewEvent delivery) {
    dropExpired();
    if (queue.size() >= maxQueued) {
      return Future.failedFuture(new ApiError(ErrorCode.SERVER_BUSY, "this replica is at capacity"));
    }
    Promise<IngestOutcome> answer = Promise.promise();
    queue.add(new Waiting(delivery, answer, Vertx.currentContext()));
    startBatches();
    return answer.future();
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

  private void startBatches() {
    dropExpired();
    while (running < maxRunning && !queue.isEmpty()) {
      List<Waiting> batch = takeBatch();
      running++;
      commit.apply(batch.stream().map(Waiting::delivery).toList()).onComplete(result -> {
        running--;
        for (int i = 0; i < batch.size(); i++) {
          batch.get(i).complete(result.succeeded()
            ? Future.succeededFuture(result.result().get(i)) : Future.failedFuture(result.cause()));
        }
        startBatches();
      });
    }
  }

  /** The oldest waiting deliveries, skipping (and keeping for the next batch) a second one of the same event. */
  private List<Waiting> takeBatch() {
    List<Waiting> batch = new ArrayList<>(Math.min(maxBatch, queue.size()));
    Set<String> keys = new HashSet<>();
    for (Iterator<Waiting> it = queue.iterator(); it.hasNext() && batch.size() < maxBatch; ) {
      Waiting next = it.next();
      if (keys.add(next.delivery().key())) {
        batch.add(next);
        it.remove();
      }
    }
    return batch;
  }
}
