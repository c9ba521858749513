package io.webhookinbox.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * Applies edits of the run-time sections ({@code retry}, {@code scheduler}, {@code webhooks}) of the config file
 * while the service runs: vertx-config rescans the file and the next decision uses the new values. An invalid
 * edit is refused with an ERROR line naming the key, and the settings in force stay.
 */
public final class SettingsWatcher {
  private static final Logger LOG = LoggerFactory.getLogger(SettingsWatcher.class);

  private SettingsWatcher() {
  }

  public static ConfigRetriever watch(Vertx vertx, Path file, long scanIntervalMs, RuntimeSettings settings) {
    ConfigRetriever retriever = ConfigLoader.retriever(vertx, file, settings.registry(), true, scanIntervalMs);
    retriever.listen(change -> apply(change.getNewConfiguration(), settings));
    retriever.getConfig().onSuccess(initial -> apply(initial, settings));
    LOG.info("Watching {} every {} ms for retry, scheduler and webhook settings", file, scanIntervalMs);
    return retriever;
  }

  static void apply(JsonObject config, RuntimeSettings settings) {
    try {
      if (settings.applyFile(config)) {
        LOG.info("Run-time settings changed by the config file: {}", settings.get().toJson().encode());
      }
    } catch (IllegalArgumentException e) {
      LOG.error("Config change refused, the settings in force stay: {}", e.getMessage());
    }
  }
}
