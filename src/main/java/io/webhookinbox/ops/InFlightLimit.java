package io.webhookinbox.ops;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many requests a replica works on at once: {@code steady}, or up to {@code burst} while it answers quickly.
 *
 * <p>Why two numbers: a stall of the database's disk of 100-300 ms, which a healthy replica meets now and then, fills
 * a small limit at high rates (128 requests last 64 ms at 2,000 a second) and turns into refusals, though waiting it
 * out costs the senders less than a retry. A deep limit alone would let an overloaded replica build a queue that
 * senders wait seconds in. So the replica takes up to {@code burst} while at least half the successful answers of
 * the last window took at most {@code quickAnswerNanos}, and only {@code steady} once most are slow: the queue
 * stands. A window opens at the first answer after the last one closed, so a stall in which nothing is answered
 * keeps the verdict from before it, and the stall's backlog is judged together with the quick answers that follow
 * it. A replica starts with the steady limit: it has shown nothing yet.
 *
 * <p>Why half of the answers, over a second: the quickest answer alone (CoDel's sign) says little here, because a
 * group commit takes every delivery waiting, so even an overloaded replica answers some in a few milliseconds
 * (measured at 12,000 deliveries a second: a quarter of those taken went past the steady limit). A window of 100 ms
 * judged a disk that slows rather than stops a standing queue within a tenth of a second. A slow spell shorter than
 * half a window leaves most of each window's answers quick, so it is waited out; an overload is recognised within
 * one or two windows, while the queue is bounded by the burst.
 */
public final class InFlightLimit {
  static final long WINDOW_MS = 1000;
  private static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(WINDOW_MS);
  private static final long NO_WINDOW = Long.MIN_VALUE;

  private final int steady;
  private final int burst;
  private final long quickAnswerNanos;
  private final AtomicLong windowEnds = new AtomicLong(NO_WINDOW);
  private final AtomicLong answersInWindow = new AtomicLong();
  private final AtomicLong quickInWindow = new AtomicLong();
  private volatile boolean answeringQuickly;

  /**
   * @param steady        requests worked on at once while answers are slow
   * @param burst         requests worked on at once while answers are quick; at least {@code steady}
   * @param quickAnswerMs an answer at most this long is quick
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
    long ends = windowEnds.get();
    boolean first = ends == NO_WINDOW;
    if ((first || answeredNanos - ends >= 0) && windowEnds.compareAndSet(ends, answeredNanos + WINDOW_NANOS)) {
      // This answer opens the next window. The one it closes gives the verdict, unless nothing was answered in it
      // (there is none before the first).
      long quick = quickInWindow.getAndSet(0);
      long all = answersInWindow.getAndSet(0);
      if (all > 0) {
        answeringQuickly = quick * 2 >= all;
      }
    }
    answersInWindow.incrementAndGet();
    if (answeredNanos - takenNanos <= quickAnswerNanos) {
      quickInWindow.incrementAndGet();
    }
  }
}
