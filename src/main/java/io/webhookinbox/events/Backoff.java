package io.webhookinbox.events;

import io.webhookinbox.config.RetryConfig;

/**
 * The retry schedule. Retry 1 runs at once; retry n ≥ 2 waits {@code initialDelay × multiplier^(n-2)}, capped at
 * {@code maxDelay}, spread by ±jitter. With the defaults the waits are 0, 2, 4, 8, 16 s, then the event is dead.
 */
public final class Backoff {
  private Backoff() {
  }

  /** What happens after an attempt failed. */
  public record Next(boolean dead, long delayMs) {
  }

  /**
   * @param attemptsMade processing attempts so far, the first delivery included
   * @param random01     a uniform random number in [0, 1) for the jitter
   */
  public static Next afterFailure(RetryConfig config, int attemptsMade, double random01) {
    int retriesMade = Math.max(0, attemptsMade - 1);
    if (retriesMade >= config.maxAttempts()) {
      return new Next(true, 0);
    }
    return new Next(false, delayBeforeRetry(config, retriesMade + 1, random01));
  }

  /** Delay before retry number {@code retry} (1-based). */
  public static long delayBeforeRetry(RetryConfig config, int retry, double random01) {
    if (retry <= 1) {
      return 0;
    }
    double base = Math.min(config.initialDelayMs() * Math.pow(config.multiplier(), retry - 2), config.maxDelayMs());
    double spread = 1 + config.jitter() * (2 * random01 - 1);
    return Math.round(Math.min(base * spread, config.maxDelayMs()));
  }
}
