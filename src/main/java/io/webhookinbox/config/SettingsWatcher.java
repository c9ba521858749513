package io.webhookinbox.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Applies edits of the run-time sections ({@code retry}, {@code scheduler}, {@code webhooks}) of the config file
 * while the service runs: the next decision uses the new values. An invalid edit is refused with an ERROR line
 * (naming the key, or where the file is not YAML) and the settings in force stay; so do they while the file is
 * missing.
 *
 * <p>Every scan reads the file's bytes, and only when they differ from the last scan's does vertx-config read and
 * parse it again. (vertx-config's own scan parsed the YAML every period; in a closed-loop benchmark's first minute
 * that was about 7 % of the replica's CPU, most of it the JIT compiling the YAML parser.)
 */
public final class SettingsWatcher extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SettingsWatcher.class);

  private final Path file;
  private final long scanIntervalMs;
  private final RuntimeSettings settings;
  private final AtomicLong scans = new AtomicLong();
  private final AtomicLong reloads = new AtomicLong();
  private ConfigRetriever retriever;
  private long timerId = -1;
  private Future<Void> running = Future.succeededFuture();
  private boolean loaded;
  /** The file's bytes at the last reload; null when it was missing or unreadable. */
  private Buffer lastRead;

  public SettingsWatcher(Path file, long scanIntervalMs, RuntimeSettings settings) {
    this.file = file;
    this.scanIntervalMs = scanIntervalMs;
    this.settings = settings;
  }

  /** Started once the first scan is done; an edit it refuses is logged and does not fail the start. */
  @Override
  public Future<?> start() {
    retriever = ConfigLoader.retriever(vertx, file, settings.registry(), true, true);
    timerId = vertx.setPeriodic(scanIntervalMs, tick -> scan());
    LOG.info("Watching {} every {} ms for retry, scheduler and webhook settings", file, scanIntervalMs);
    return scan().otherwiseEmpty();
  }

  /** The timer goes with the verticle, so no scan starts while Vert.x shuts its file-system threads down. */
  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timerId);
    return running.otherwiseEmpty();
  }

  /** Scans done, for tests. */
  long scans() {
    return scans.get();
  }

  /** Times the file was read and parsed again (the first load included), for tests. */
  long reloads() {
    return reloads.get();
  }

  /** One scan at a time: a tick while one runs is skipped. */
  private Future<Void> scan() {
    if (!running.isComplete()) {
      return running;
    }
    // The bytes are read before the retriever reads them again: an edit in between differs from them, so the next
    // scan reloads once more rather than missing it.
    running = vertx.fileSystem().readFile(file.toString())
      .otherwise((Buffer) null)
      .compose(this::reloadIfChanged)
      .onComplete(done -> scans.incrementAndGet());
    return running;
  }

  private Future<Void> reloadIfChanged(Buffer bytes) {
    if (loaded && Objects.equals(bytes, lastRead)) {
      return Future.succeededFuture();
    }
    boolean first = !loaded;
    loaded = true;
    lastRead = bytes;
    if (bytes == null) {
      // Absent from the start, the settings came from the environment and the defaults; gone later, they stay.
      if (!first) {
        LOG.warn("Config file {} cannot be read; the settings in force stay", file);
      }
      return Future.succeededFuture();
    }
    reloads.incrementAndGet();
    return retriever.getConfig()
      .onSuccess(config -> apply(config, settings))
      .onFailure(e -> LOG.error("Config change refused, the settings in force stay: {}",
        ConfigLoader.withoutFileText(file, e).getMessage()))
      .mapEmpty();
  }

  private static void apply(JsonObject config, RuntimeSettings settings) {
    try {
      if (settings.applyFile(config)) {
        LOG.info("Run-time settings changed by the config file: {}", settings.get().toJson().encode());
      }
    } catch (IllegalArgumentException e) {
      LOG.error("Config change refused, the settings in force stay: {}", e.getMessage());
    }
  }
}
