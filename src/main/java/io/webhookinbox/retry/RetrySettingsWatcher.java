package io.webhookinbox.retry;

import io.vertx.config.ConfigRetriever;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.webhookinbox.config.ConfigLoader;
import io.webhookinbox.config.RetryConfig;
import io.webhookinbox.config.SchedulerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * Applies edits of {@code retry.*} and {@code scheduler.*} in the config file while the service runs: vertx-config
 * rescans the file, and the next scheduling decision uses the new values. An invalid edit is refused with a log
 * line naming the key, and the settings in force stay.
 */
public final class RetrySettingsWatcher {
  private static final Logger LOG = LoggerFactory.getLogger(RetrySettingsWatcher.class);

  private RetrySettingsWatcher() {
  }

  public static ConfigRetriever watch(Vertx vertx, Path file, long scanIntervalMs, RetrySettings settings) {
    ConfigRetriever retriever = ConfigLoader.retriever(vertx, file, true, scanIntervalMs);
    retriever.listen(change -> apply(change.getNewConfiguration(), settings));
    retriever.getConfig().onSuccess(initial -> apply(initial, settings));
    LOG.info("Watching {} every {} ms for retry and scheduler changes", file, scanIntervalMs);
    return retriever;
  }

  static void apply(JsonObject config, RetrySettings settings) {
    RetryConfig retry;
    SchedulerConfig scheduler;
    try {
      retry = RetryConfig.from(section(config, "retry"));
      scheduler = SchedulerConfig.from(section(config, "scheduler"));
    } catch (IllegalArgumentException e) {
      LOG.error("Config change refused, previous retry settings stay in force: {}", e.getMessage());
      return;
    }
    RetrySettings.Snapshot current = settings.get();
    if (!retry.equals(current.retry()) || !scheduler.equals(current.scheduler())) {
      settings.set(retry, scheduler);
      LOG.info("Retry settings now retry={} scheduler={}", retry.toJson().encode(), scheduler.toJson().encode());
    }
  }

  private static JsonObject section(JsonObject config, String key) {
    Object value = config.getValue(key);
    if (value != null && !(value instanceof JsonObject)) {
      throw new IllegalArgumentException(key + " must be a mapping");
    }
    return value == null ? new JsonObject() : (JsonObject) value;
  }
}
