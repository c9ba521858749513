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
  void theWindowIsASecond() {
    assertThat(InFlightLimit.WINDOW_MS).as("the times below assume it").isEqualTo(1000);
  }

  @Test
  void aReplicaStartsAtTheSteadyLimitAndTheFirstWindowMustCloseFirst() {
    assertThat(limit.now()).isEqualTo(128);
    answer(0, 1);
    answer(500, 1);
    assertThat(limit.now()).isEqualTo(128);
    answer(1001, 1);
    assertThat(limit.now()).isEqualTo(512);
  }

  @Test
  void mostAnswersQuickAllowTheBurstAndMostSlowTakeItBack() {
    answer(0, 1);
    answer(300, 40);
    answer(600, 2);
    answer(1001, 60);
    assertThat(limit.now()).as("two quick answers of three").isEqualTo(512);

    answer(1200, 3);
    answer(1500, 6);
    answer(1800, 30);
    answer(2002, 8);
    assertThat(limit.now()).as("one quick answer of four: a standing queue").isEqualTo(128);

    answer(2500, 5);
    answer(2900, 2);
    answer(3003, 9);
    assertThat(limit.now()).as("half of them quick, at the 5 ms allowed or less").isEqualTo(512);
  }

  @Test
  void anOverloadedGroupCommitAnsweringAFewQuicklyKeepsTheSteadyLimit() {
    answer(0, 1);
    answer(1001, 1);
    assertThat(limit.now()).isEqualTo(512);
    // Every tenth delivery joins a commit just as it starts; the rest wait behind the queue.
    for (long at = 1100; at < 2000; at += 10) {
      answer(at, at % 100 == 0 ? 3 : 40);
    }
    answer(2100, 40);
    assertThat(limit.now()).isEqualTo(128);
  }

  @Test
  void aSlowSpellShorterThanHalfAWindowKeepsTheBurst() {
    answer(0, 1);
    answer(1001, 1);
    for (long at = 1010; at < 3000; at += 10) {
      boolean slowSpell = at >= 1500 && at < 1900;
      answer(at, slowSpell ? 150 : 2);
      assertThat(limit.now()).as("at %d ms", at).isEqualTo(512);
    }
  }

  @Test
  void aStallInWhichNothingIsAnsweredIsWaitedOutAndAStandingBacklogIsNot() {
    answer(0, 1);
    answer(1001, 1);
    assertThat(limit.now()).isEqualTo(512);

    // Nothing answered for 2 s; the stall's first answer opens a window, it does not close the quick one as slow.
    answer(3001, 2000);
    assertThat(limit.now()).isEqualTo(512);
    // The backlog drains and answers come quickly again within the window.
    for (long at = 3010; at < 4000; at += 10) {
      answer(at, at < 3100 ? 100 : 3);
    }
    answer(4002, 3);
    assertThat(limit.now()).isEqualTo(512);
    // A whole window of slow answers: the queue stands.
    for (long at = 4010; at < 5000; at += 10) {
      answer(at, 100);
    }
    answer(5003, 100);
    assertThat(limit.now()).isEqualTo(128);
  }

  @Test
  void theBurstIsNeverBelowTheSteadyLimit() {
    InFlightLimit small = new InFlightLimit(64, 8, 5);
    small.answered(START, START + MS);
    small.answered(START + 1001 * MS, START + 1002 * MS);
    assertThat(small.now()).isEqualTo(64);
  }

  /** An answer {@code atMs} after the start to a request that took {@code tookMs}. */
  private void answer(long atMs, long tookMs) {
    limit.answered(START + (atMs - tookMs) * MS, START + atMs * MS);
  }
}
