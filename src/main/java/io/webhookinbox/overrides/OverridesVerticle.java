package io.webhookinbox.overrides;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.webhookinbox.config.DatabaseConfig;
import io.webhookinbox.db.Listener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this replica on the stored operator overrides: applies them as soon as a notification arrives, and reloads
 * them whenever the LISTEN connection is (re)made, so a replica that missed a notification catches up. Loads them
 * before the service takes traffic.
 */
public final class OverridesVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(OverridesVerticle.class);

  private final DatabaseConfig database;
  private final Overrides overrides;
  private Listener listener;

  public OverridesVerticle(DatabaseConfig database, Overrides overrides) {
    this.database = database;
    this.overrides = overrides;
  }

  @Override
  public Future<?> start() {
    listener = Listener.start(vertx, database, Overrides.CHANNEL, version -> overrides.reload(),
      subscribed -> overrides.reload(), 1000, LOG);
    // Start with the stored overrides; without the database, start on the file and catch up on reconnect.
    return overrides.reload().otherwiseEmpty();
  }

  @Override
  public Future<?> stop() {
    return listener.close();
  }
}
