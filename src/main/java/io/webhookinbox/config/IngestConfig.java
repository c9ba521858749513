package io.webhookinbox.config;

import io.vertx.core.json.JsonObject;

/**
 * Ingestion settings read at start-up (the processing timeout is a run-time setting: {@code webhooks.timeoutSeconds}).
 *
 * @param workerInstances worker verticle instances; 0 means one per CPU core
 * @param maxBatch          the most deliveries one group commit stores together
 * @param concurrentCommits group commits a worker runs at once; deliveries arriving meanwhile join the next one.
 *                          Fewer means larger batches (less work per event), more means less waiting at low load
 */
public record IngestConfig(int workerInstances, int maxBatch, int concurrentCommits) {
  static IngestConfig from(JsonObject json) {
    return new IngestConfig(Json.integer(json, "ingest.", "workerInstances", 0, 0, 256),
      Json.integer(json, "ingest.", "maxBatch", 64, 1, 1000),
      Json.integer(json, "ingest.", "concurrentCommits", 1, 1, 64));
  }
}
