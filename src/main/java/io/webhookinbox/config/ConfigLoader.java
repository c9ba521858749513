package io.webhookinbox.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

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

  /**
   * The failure to report for a config file that did not load. A YAML error says only where it is: the parser's own
   * message quotes the file's lines, and the file can hold secrets. Any other failure (a setting's bad value, which
   * names its key) is returned as it is.
   */
  public static RuntimeException withoutFileText(Path file, Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof YAMLException yaml) {
        Mark mark = yaml instanceof MarkedYAMLException marked ? marked.getProblemMark() : null;
        String where = mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
        return new IllegalStateException("config file " + file + " is not valid YAML" + where
          + " (its text is left out: the file can hold secrets)");
      }
    }
    return failure instanceof RuntimeException runtime ? runtime : new IllegalStateException(failure);
  }
}
