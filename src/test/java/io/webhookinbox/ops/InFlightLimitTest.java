package io.webhookinbox.ops;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The in-flight limit's verdict, window by window, on answer times given explicitly (no clock, no waiting). */
class InFlightLimitTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long START = 1_000_000 * MS;
  private final InFlightLimit limit = new InFlightLimit(128, 512, 5);

  @Test
  void aReplicaStartsAtTheSteadyLimitAndOneAnswerIsNoVerdict() {
    assertThat(limit.now()).isEqualTo(128);
    limit.answered(START, START + MS);
    assertThat(limit.now()).isEqualTo(128);
  }

  @Test
  void quickAnswersInAWindowAllowTheBurstAndAWindowOfSlowOnesTakesItBack() {
    answer(START, 1);
    answer(START + 50 * MS, 2);
    answer(START + 101 * MS, 40);
    assertThat(limit.now()).as("the window's quickest answer took 1 ms").isEqualTo(512);

    answer(START + 150 * MS, 6);
    answer(START + 190 * MS, 30);
    answer(START + 202 * MS, 8);
    assertThat(limit.now()).as("the window's quickest answer took 6 ms: a standing queue").isEqualTo(128);

    answer(START + 250 * MS, 5);
    answer(START + 303 * MS, 9);
    assertThat(limit.now()).as("the quickest took exactly the 5 ms allowed").isEqualTo(512);
  }

  @Test
  void aStallInWhichNothingIsAnsweredIsWaitedOutAndAStandingBacklogIsNot() {
    answer(START, 1);
    answer(START + 101 * MS, 1);
    assertThat(limit.now()).isEqualTo(512);

    // Nothing answered for 400 ms; the stall's first answer opens a window, it does not close the quick one as slow.
    answer(START + 501 * MS, 300);
    assertThat(limit.now()).isEqualTo(512);
    // The backlog drains and answers come quickly again within the window.
    answer(START + 540 * MS, 3);
    answer(START + 602 * MS, 250);
    assertThat(limit.now()).isEqualTo(512);
    // A whole window of the backlog's slow answers: the queue stands.
    answer(START + 650 * MS, 200);
    answer(START + 703 * MS, 150);
    assertThat(limit.now()).isEqualTo(128);
  }

  @Test
  void theBurstIsNeverBelowTheSteadyLimit() {
    InFlightLimit small = new InFlightLimit(64, 8, 5);
    small.answered(START, START + MS);
    small.answered(START + 101 * MS, START + 102 * MS);
    assertThat(small.now()).isEqualTo(64);
  }

  /** An answer at {@code at} to a request that took {@code tookMs}. */
  private void answer(long at, long tookMs) {
    limit.answered(at - tookMs * MS, at);
  }
}
