package io.webhookinbox.security;

import io.webhookinbox.config.LimitsConfig.RateLimit;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The callers a full limiter forgets are those with the fullest buckets; a caller over its limit stays limited. */
class RateLimiterTest {

  @Test
  void aFloodOfNewCallersNeitherGrowsTheMapNorFreesACallerOverItsLimit() {
    RateLimiter limiter = new RateLimiter("test", new RateLimit(1, 3), 100, "");
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.tryConsume("ip:10.0.0.1").isConsumed()).isTrue();
    }
    assertThat(limiter.tryConsume("ip:10.0.0.1").isConsumed()).isFalse();

    for (int i = 0; i < 1000; i++) {
      assertThat(limiter.tryConsume("ip:192.0.2." + i).isConsumed()).isTrue();
      assertThat(limiter.trackedCallers()).isLessThanOrEqualTo(100);
    }

    assertThat(limiter.tryConsume("ip:10.0.0.1").isConsumed()).as("still over its limit").isFalse();
  }
}
