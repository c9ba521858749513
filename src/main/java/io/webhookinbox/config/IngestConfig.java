package io.webhookinbox.config;

import io.vertx.core.json.JsonObject;

/**
 * Ingestion settings.
 *
 * @param timeoutSeconds how long a delivery may take end to end before the sender gets 503 (code 5111)
 * @param workerInstances worker verticle instances; 0 means one per event loop
 */
public record IngestConfig(int timeoutSeconds, int workerInstances) {
  static IngestConfig from(JsonObject json) {
    String p = "ingest.";
    return new IngestConfig(
      Json.integer(json, p, "timeoutSeconds", 10, 1, 300),
      Json.integer(json, p, "workerInstances", 0, 0, 256));
  }
}
