package io.webhookinbox.config;

import io.vertx.core.json.JsonObject;

/**
 * Ingestion settings read at start-up (the processing timeout is a run-time setting: {@code webhooks.timeoutSeconds}).
 *
 * @param workerInstances worker verticle instances; 0 means one per event loop
 */
public record IngestConfig(int workerInstances) {
  static IngestConfig from(JsonObject json) {
    return new IngestConfig(Json.integer(json, "ingest.", "workerInstances", 0, 0, 256));
  }
}
