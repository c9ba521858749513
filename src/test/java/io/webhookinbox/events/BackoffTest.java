package io.webhookinbox.events;

import io.webhookinbox.config.RetryConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The schedule itself: at once, then 2 s, 4 s, 8 s, 16 s with the defaults, then dead; jitter stays in bounds. */
class BackoffTest {

  @Test
  void defaultScheduleIsImmediateThenDoublingFromTwoSecondsThenDead() {
    RetryConfig noJitter = new RetryConfig(2000, 2.0, 60_000, 0.0, 5);
    List<Long> delays = new ArrayList<>();
    int attempts = 1;
    Backoff.Next next = Backoff.afterFailure(noJitter, attempts, 0.5);
    while (!next.dead()) {
      delays.add(next.delayMs());
      next = Backoff.afterFailure(noJitter, ++attempts, 0.5);
    }
    assertThat(delays).containsExactly(0L, 2000L, 4000L, 8000L, 16000L);
    assertThat(attempts).isEqualTo(6);
  }

  @Test
  void delaysAreCappedAndJitterStaysWithinItsFraction() {
    RetryConfig config = new RetryConfig(1000, 3.0, 5000, 0.2, 10);
    assertThat(Backoff.delayBeforeRetry(config, 6, 0.5)).isEqualTo(5000);
    assertThat(Backoff.delayBeforeRetry(config, 2, 0.0)).isEqualTo(800);
    assertThat(Backoff.delayBeforeRetry(config, 2, 0.999999)).isEqualTo(1200);
    assertThat(Backoff.delayBeforeRetry(config, 9, 0.999999)).isEqualTo(5000);
  }

  @Test
  void zeroRetriesMeansTheFirstFailureIsDead() {
    assertThat(Backoff.afterFailure(new RetryConfig(1000, 2.0, 5000, 0.0, 0), 1, 0.5).dead()).isTrue();
  }
}
