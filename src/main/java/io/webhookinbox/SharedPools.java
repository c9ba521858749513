package io.webhookinbox;

import io.vertx.core.Vertx;
import io.webhookinbox.config.DatabaseConfig;
import io.webhookinbox.config.RuntimeSettings;
import io.webhookinbox.db.BoundedPool;
import io.webhookinbox.db.ConnectionBudget;
import io.webhookinbox.db.Pools;

/**
 * The pools a replica's verticles share by name (the ingest verticles and the readiness probe have their own):
 * their sizes are the fixed part of the connection budget.
 *
 * @param scheduler     claims of due retries, and operator replays
 * @param operators     operator reads, personal-data erasures and the audit trail
 * @param configuration the operator overrides
 */
record SharedPools(BoundedPool scheduler, BoundedPool operators, BoundedPool configuration) {
  static SharedPools create(Vertx vertx, DatabaseConfig database, RuntimeSettings settings) {
    return new SharedPools(
      Pools.create(vertx, database, ConnectionBudget.SCHEDULER, "scheduler", () -> settings.webhooks().timeoutSeconds()),
      Pools.create(vertx, database, ConnectionBudget.ADMIN, "admin", () -> settings.webhooks().timeoutSeconds()),
      Pools.create(vertx, database, ConnectionBudget.OVERRIDES, "config", () -> settings.webhooks().timeoutSeconds()));
  }
}
