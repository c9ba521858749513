package io.webhookinbox.config;

import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Ingestion settings read at start-up (the processing timeout is a run-time setting: {@code webhooks.timeoutSeconds}).
 *
 * @param instances         ingest verticle instances; 0 means one per two CPU cores (at least one)
 * @param maxBatch          the most deliveries one group commit stores together
 * @param concurrentCommits group commits an ingest verticle runs at once; deliveries arriving meanwhile join the
 *                          next one. Fewer means larger batches (less work per event), more means less waiting at
 *                          low load
 * @param maxQueued         deliveries an ingest verticle holds waiting for a group commit; more are refused at once
 *                          (503, 5121)
 * @param batchLockTimeoutMs how long a group commit waits for a row lock (an order another session holds) before
 *                          its deliveries are stored one by one, so that one locked order delays only its own delivery
 * @param lingerMs          how long a group commit of fewer than 8 deliveries waits for more while they arrive
 *                          faster than one per lingerMs (fewer, larger commits at moderate rates); 0: never
 */
public record IngestConfig(int instances, int maxBatch, int concurrentCommits, int maxQueued,
                           int batchLockTimeoutMs, int lingerMs) {
  static final Setting<Integer> INSTANCES = Setting.integer("ingest.instances", 0, 0, 256)
    .doc("Ingest verticles (each stores deliveries with its own group commit); 0 = one per two CPU cores,"
      + " at least one");
  /** The name {@link #INSTANCES} had; still read when the new one is not given. */
  static final String FORMER_INSTANCES_KEY = "workerInstances";
  static final Setting<Integer> MAX_BATCH = Setting.integer("ingest.maxBatch", 64, 1, 1000)
    .doc("Deliveries stored together in one group commit (one transaction, one statement)");
  static final Setting<Integer> CONCURRENT_COMMITS = Setting.integer("ingest.concurrentCommits", 1, 1, 64)
    .doc("Group commits an ingest verticle runs at once; deliveries arriving meanwhile join the next");
  static final Setting<Integer> MAX_QUEUED = Setting.integer("ingest.maxQueued", 512, 1, 100_000)
    .doc("Deliveries an ingest verticle holds waiting for a group commit; more get 503 (5121) at once");
  static final Setting<Integer> BATCH_LOCK_TIMEOUT = Setting.integer("ingest.batchLockTimeoutMs", 250, 10, 60_000)
    .unit("ms").doc("A group commit waiting longer on a row lock stores its deliveries one by one");
  static final Setting<Integer> LINGER = Setting.integer("ingest.lingerMs", 2, 0, 50)
    .unit("ms").doc("A group commit of fewer than 8 deliveries waits this long for more while they arrive faster than"
      + " one per this long; 0 = never");
  static final List<Setting<?>> SETTINGS = List.of(INSTANCES, MAX_BATCH, CONCURRENT_COMMITS, MAX_QUEUED,
    BATCH_LOCK_TIMEOUT, LINGER);

  /** The instances to deploy on a machine with {@code cores} CPU cores. */
  public int instancesFor(int cores) {
    return instances > 0 ? instances : Math.max(1, cores / 2);
  }

  static IngestConfig from(JsonObject root) {
    JsonObject section = Json.section(root, "ingest");
    int instances = section.containsKey("instances") || !section.containsKey(FORMER_INSTANCES_KEY)
      ? INSTANCES.read(root)
      : Json.integer(section, "ingest.", FORMER_INSTANCES_KEY, 0, 0, 256);
    return new IngestConfig(instances, MAX_BATCH.read(root), CONCURRENT_COMMITS.read(root), MAX_QUEUED.read(root),
      BATCH_LOCK_TIMEOUT.read(root), LINGER.read(root));
  }
}
