package io.webhookinbox.admin;

/**
 * The processing-time histogram of the statistics rollup (see {@code webhook_latency_bucket} in the V4 migration):
 * bucket b holds times up to {@code UPPER_BOUNDS_MS[b]}. Percentiles are reported as the upper bound of the
 * bucket they fall in, so they are never optimistic by more than one bucket.
 */
final class LatencyBuckets {
  static final long[] UPPER_BOUNDS_MS = {1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000,
    2000, 5000, 10000, 30000, 60000, Long.MAX_VALUE};

  private LatencyBuckets() {
  }

  /**
   * The bound of the bucket holding the q-quantile (0 < q ≤ 1) of {@code counts}; null when there are none. The
   * open last bucket reports the largest finite bound.
   */
  static Long quantile(long[] counts, double q) {
    long total = 0;
    for (long count : counts) {
      total += count;
    }
    if (total == 0) {
      return null;
    }
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int bucket = 0; bucket < counts.length; bucket++) {
      seen += counts[bucket];
      if (seen >= rank) {
        return UPPER_BOUNDS_MS[Math.min(bucket, UPPER_BOUNDS_MS.length - 2)];
      }
    }
    return UPPER_BOUNDS_MS[UPPER_BOUNDS_MS.length - 2];
  }
}
