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
  void theWindowIsHalfASecond() {
    assertThat(InFlightLimit.WINDOW_MS).as("the times below assume it").isEqualTo(500);
  }

  @Test
  void aReplicaStartsAtTheSteadyLimitAndOneAnswerIsNoVerdict() {
    assertThat(limit.now()).isEqualTo(128);
    limit.answered(START, START + MS);
    assertThat(limit.now()).isEqualTo(128);
  }

  @Test
  void quickAnswersInAWindowAllowTheBurstAndAWindowOfSlowOnesTakesItBack() {
    answer(0, 1);
    answer(250, 2);
    answer(501, 40);
    assertThat(limit.now()).as("the window's quickest answer took 1 ms").isEqualTo(512);

    answer(750, 6);
    answer(950, 30);
    answer(1002, 8);
    assertThat(limit.now()).as("the window's quickest answer took 6 ms: a standing queue").isEqualTo(128);

    answer(1250, 5);
    answer(1503, 9);
    assertThat(limit.now()).as("the quickest took exactly the 5 ms allowed").isEqualTo(512);
  }

  @Test
  void aSlowSpellShorterThanAWindowKeepsTheBurst() {
    answer(0, 1);
    answer(501, 1);
    for (long at = 600; at <= 1100; at += 100) {
      answer(at, 150);
      assertThat(limit.now()).as("slow answers at %d ms", at).isEqualTo(512);
    }
    answer(1150, 2);
    answer(1600, 3);
    assertThat(limit.now()).isEqualTo(512);
  }

  @Test
  void aStallInWhichNothingIsAnsweredIsWaitedOutAndAStandingBacklogIsNot() {
    answer(0, 1);
    answer(501, 1);
    assertThat(limit.now()).isEqualTo(512);

    // Nothing answered for 1.5 s; the stall's first answer opens a window, it does not close the quick one as slow.
    answer(2001, 1500);
    assertThat(limit.now()).isEqualTo(512);
    // The backlog drains and answers come quickly again within the window.
    answer(2040, 3);
    answer(2502, 250);
    assertThat(limit.now()).isEqualTo(512);
    // A whole window of the backlog's slow answers: the queue stands.
    answer(2750, 200);
    answer(3003, 150);
    assertThat(limit.now()).isEqualTo(128);
  }

  @Test
  void theBurstIsNeverBelowTheSteadyLimit() {
    InFlightLimit small = new InFlightLimit(64, 8, 5);
    small.answered(START, START + MS);
    small.answered(START + 501 * MS, START + 502 * MS);
    assertThat(small.now()).isEqualTo(64);
  }

  /** An answer {@code atMs} after the start to a request that took {@code tookMs}. */
  private void answer(long atMs, long tookMs) {
    limit.answered(START + (atMs - tookMs) * MS, START + atMs * MS);
  }
}
