package io.webhookinbox.config;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.webhookinbox.Sources;
import io.webhookinbox.support.ConfigFiles;
import io.webhookinbox.support.LogCapture;
import io.webhookinbox.telemetry.LogContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The config file is parsed again only when its bytes change; every edit applies, and a broken one is refused. */
@ExtendWith(VertxExtension.class)
class SettingsWatcherTest {
  private static final Registry REGISTRY = Sources.registry(Sources.ALL);
  private static final long SCAN_MS = 100;

  static {
    // Before the extension creates Vert.x, as the service does: lines logged on a context need it (see LogContext).
    LogContext.init();
  }

  @Test
  void anUnchangedFileIsNotParsedAgainAndEveryEditIs(Vertx vertx, @TempDir Path dir) throws IOException {
    Path file = dir.resolve("config.yaml");
    ConfigFiles.replaceAtomically(file, "retry:\n  initialDelayMs: 1500\n");
    RuntimeSettings settings = new RuntimeSettings(new JsonObject(), REGISTRY, false);

    SettingsWatcher watcher = new SettingsWatcher(file, SCAN_MS, settings);
    vertx.deployVerticle(watcher).await();
    assertThat(settings.retry().initialDelayMs()).as("applied by the first scan, before the start completes")
      .isEqualTo(1500);
    awaitScans(watcher, 5);
    assertThat(watcher.reloads()).as("parsed once, at the start").isEqualTo(1);

    ConfigFiles.replaceAtomically(file, "retry:\n  initialDelayMs: 2500\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> settings.retry().initialDelayMs() == 2500);
    awaitScans(watcher, 5);
    assertThat(watcher.reloads()).isEqualTo(2);

    // Not YAML: refused once, saying where, none of its text quoted; the settings in force stay.
    long refusalsBefore = refusals(file);
    ConfigFiles.replaceAtomically(file, "retry: [initialDelayMs: 9999 secret-value\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> refusals(file) == refusalsBefore + 1);
    awaitScans(watcher, 5);
    assertThat(refusals(file)).isEqualTo(refusalsBefore + 1);
    assertThat(watcher.reloads()).isEqualTo(3);
    assertThat(settings.retry().initialDelayMs()).isEqualTo(2500);
    assertThat(LogCapture.lines()).noneMatch(line -> line.contains("secret-value"))
      .anyMatch(line -> line.contains(file + " is not valid YAML at line 2, column 1"));

    // Removed, then back: the settings in force stay while it is gone, and it is read again when it returns.
    Files.delete(file);
    awaitScans(watcher, 5);
    assertThat(settings.retry().initialDelayMs()).isEqualTo(2500);
    assertThat(watcher.reloads()).isEqualTo(3);
    ConfigFiles.replaceAtomically(file, "retry:\n  initialDelayMs: 3500\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> settings.retry().initialDelayMs() == 3500);
    assertThat(watcher.reloads()).isEqualTo(4);
  }

  private static void awaitScans(SettingsWatcher watcher, int more) {
    long target = watcher.scans() + more;
    await().atMost(Duration.ofSeconds(10)).until(() -> watcher.scans() >= target);
  }

  private static long refusals(Path file) {
    return LogCapture.json().stream().filter(line -> "ERROR".equals(line.getString("level"))
      && line.getString("message").contains(file.toString())).count();
  }
}
