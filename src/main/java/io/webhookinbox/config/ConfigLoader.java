package io.webhookinbox.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.List;

/**
 * Reads {@code conf/config.yaml} (or the file named by {@code CONFIG_FILE}) overlaid with environment variables;
 * {@link SettingsWatcher} reads it again when it changes, so operators can change retry settings without a restart.
 */
public final class ConfigLoader {
  public static final String CONFIG_FILE_ENV = "CONFIG_FILE";
  public static final String DEFAULT_CONFIG_FILE = "conf/config.yaml";

  private ConfigLoader() {
  }

  public static Path configFile() {
    String fromEnv = System.getenv(CONFIG_FILE_ENV);
    return Path.of(fromEnv == null || fromEnv.isBlank() ? DEFAULT_CONFIG_FILE : fromEnv);
  }

  /**
   * A retriever over the YAML file and, when {@code withEnv}, the environment.
   *
   * @param fileRequired whether the file must be there and parse; when not, an absent or unreadable file adds
   *                     nothing (vertx-config's optional store, which would also take a file that is not YAML as
   *                     empty: only for a file that is not there)
   */
  public static ConfigRetriever retriever(Vertx vertx, Path file, Registry registry, boolean withEnv,
                                          boolean fileRequired) {
    ConfigRetrieverOptions options = new ConfigRetrieverOptions()
      .setIncludeDefaultStores(false)
      .setScanPeriod(-1)
      .addStore(new ConfigStoreOptions().setType("file").setFormat("yaml").setOptional(!fileRequired)
        .setConfig(new JsonObject().put("path", file.toString())));
    if (withEnv) {
      options.addStore(new ConfigStoreOptions().setType("env")
        .setConfig(new JsonObject().put("raw-data", true).put("keys", new JsonArray(List.copyOf(registry.environment().keySet())))));
    }
    return ConfigRetriever.create(vertx, options).setConfigurationProcessor(registry::applyEnvironment);
  }
}
