package io.webhookinbox.config;

import io.vertx.core.json.JsonObject;

/**
 * Ingestion settings read at start-up (the processing timeout is a run-time setting: {@code webhooks.timeoutSeconds}).
 *
 * @param workerInstances worker verticle instances; 0 means one per CPU core
 * @param maxBatch          the most deliveries one group commit stores together
 * @param concurrentCommits group commits a worker runs at once; deliveries arriving meanwhile join the next one.
 *                          Fewer means larger batches (less work per event), more means less waiting at low load
 * @param maxQueued         deliveries a worker holds waiting for a group commit; more are refused at once (503, 5121)
 * @param batchLockTimeoutMs how long a group commit waits for a row lock (an order another session holds) before
 *                          its deliveries are stored one by one, so that one locked order delays only its own delivery
 */
public record IngestConfig(int workerInstances, int maxBatch, int concurrentCommits, int maxQueued,
                           int batchLockTimeoutMs) {
  static IngestConfig from(JsonObject json) {
    return new IngestConfig(Json.integer(json, "ingest.", "workerInstances", 0, 0, 256),
      Json.integer(json, "ingest.", "maxBatch", 64, 1, 1000),
      Json.integer(json, "ingest.", "concurrentCommits", 1, 1, 64),
      Json.integer(json, "ingest.", "maxQueued", 256, 1, 100_000),
      Json.integer(json, "ingest.", "batchLockTimeoutMs", 250, 10, 60_000));
  }
}
