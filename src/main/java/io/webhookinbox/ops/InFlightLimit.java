package io.webhookinbox.ops;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many requests a replica works on at once: {@code steady}, or up to {@code burst} while it answers quickly.
 *
 * <p>Why two numbers: a stall of the database's disk of 100-300 ms, which a healthy replica meets now and then, fills
 * a small limit at high rates (128 requests last 64 ms at 2,000 a second) and turns into refusals, though waiting it
 * out costs the senders less than a retry. A deep limit alone would let an overloaded replica build a queue that
 * senders wait seconds in. So, as CoDel tells a passing burst from a standing queue: while the quickest successful
 * answer of the last {@link #WINDOW_MS} ms took at most {@code quickAnswerNanos}, the queue drains now and then and
 * the replica takes up to {@code burst}; once even the quickest answer is slow, the queue stands and the replica
 * takes only {@code steady}. A window opens at the first answer after the last one closed, so a stall in which
 * nothing is answered keeps the verdict from before it, and the stall's backlog is judged together with the quick
 * answers that follow it. A replica starts with the steady limit: it has shown nothing yet.
 *
 * <p>Why half a second: a disk that slows rather than stops still answers, slowly, so a window of 100 ms (CoDel's)
 * judges such a spell a standing queue within a tenth of a second (measured: beside a 1 GiB write at 2,000
 * deliveries a second it took no request past the steady limit). A slow spell shorter than a window leaves a quick
 * answer in every window, so it is waited out; an overload is recognised within one or two windows, while the queue
 * is bounded by the burst.
 */
public final class InFlightLimit {
  static final long WINDOW_MS = 500;
  private static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(WINDOW_MS);
  private static final long NO_WINDOW = Long.MIN_VALUE;

  private final int steady;
  private final int burst;
  private final long quickAnswerNanos;
  private final AtomicLong windowEnds = new AtomicLong(NO_WINDOW);
  private final AtomicLong quickestInWindow = new AtomicLong(Long.MAX_VALUE);
  private volatile boolean answeringQuickly;

  /**
   * @param steady        requests worked on at once while answers are slow
   * @param burst         requests worked on at once while answers are quick; at least {@code steady}
   * @param quickAnswerMs the quickest answer of a window at most this long means the replica keeps up
   */
  public InFlightLimit(int steady, int burst, long quickAnswerMs) {
    this.steady = steady;
    this.burst = Math.max(steady, burst);
    this.quickAnswerNanos = TimeUnit.MILLISECONDS.toNanos(quickAnswerMs);
  }

  /** The requests the replica works on at once while its answers are slow. */
  public int steady() {
    return steady;
  }

  /** The requests the replica may work on at once now. */
  public int now() {
    return answeringQuickly ? burst : steady;
  }

  /** A request taken at {@code takenNanos} was answered successfully at {@code answeredNanos} (both nanoTime). */
  public void answered(long takenNanos, long answeredNanos) {
    long took = answeredNanos - takenNanos;
    long ends = windowEnds.get();
    boolean first = ends == NO_WINDOW;
    if ((first || answeredNanos - ends >= 0) && windowEnds.compareAndSet(ends, answeredNanos + WINDOW_NANOS)) {
      // This answer opens the next window. The one it closes gives the verdict, unless it is the very first (one
      // answer is no verdict) or nothing was answered in it.
      long best = quickestInWindow.getAndSet(took);
      if (!first && best != Long.MAX_VALUE) {
        answeringQuickly = best <= quickAnswerNanos;
      }
      return;
    }
    long quickest = quickestInWindow.get();
    while (took < quickest && !quickestInWindow.compareAndSet(quickest, took)) {
      quickest = quickestInWindow.get();
    }
  }
}
