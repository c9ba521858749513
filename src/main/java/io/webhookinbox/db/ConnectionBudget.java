package io.webhookinbox.db;

/**
 * How a replica spends {@code database.poolSize}, the most pooled connections it opens in total: one each for the
 * scheduler's claims (and operator replays), operator reads, the configuration overrides and the readiness probe,
 * an eighth (at least one) for retries, and the rest for new deliveries, split evenly over the ingest verticles
 * (fewer of them when there are fewer connections than instances asked for). The LISTEN connections come on top
 * ({@link #LISTEN_CONNECTIONS}): they are direct session connections, never through a transaction pooler.
 *
 * @param ingestInstances   ingest verticles to deploy
 * @param perIngestInstance each one's pool for new deliveries
 * @param retry             the retry pool (in the first ingest verticle)
 */
public record ConnectionBudget(int ingestInstances, int perIngestInstance, int retry) {
  /** Direct LISTEN connections a replica holds besides its pools (retry wake-ups, configuration changes). */
  public static final int LISTEN_CONNECTIONS = 2;
  public static final int SCHEDULER = 1;
  public static final int ADMIN = 1;
  public static final int OVERRIDES = 1;
  public static final int HEALTH = 1;
  private static final int FIXED = SCHEDULER + ADMIN + OVERRIDES + HEALTH;
  /** The fixed pools, one retry connection and one delivery connection. */
  public static final int MIN_POOL_SIZE = FIXED + 2;

  public static ConnectionBudget of(int poolSize, int configuredInstances) {
    if (poolSize < MIN_POOL_SIZE) {
      throw new IllegalArgumentException("database.poolSize must be at least " + MIN_POOL_SIZE);
    }
    int retry = Math.max(1, poolSize / 8);
    int deliveries = poolSize - FIXED - retry;
    int instances = Math.max(1, Math.min(configuredInstances, deliveries));
    return new ConnectionBudget(instances, deliveries / instances, retry);
  }

  /** The pooled connections this budget opens at most: never more than poolSize. */
  public int pooled() {
    return ingestInstances * perIngestInstance + retry + FIXED;
  }
}
