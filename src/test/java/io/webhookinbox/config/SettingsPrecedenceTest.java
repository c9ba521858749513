package io.webhookinbox.config;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.TestDatabase;
import io.webhookinbox.support.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Defaults < config file (rescanned) < API overrides, for the webhook settings too. */
@ExtendWith({VertxExtension.class, PostgresExtension.class})
class SettingsPrecedenceTest {
  private static final String PATH = "/api/webhooks/configuration";

  @Test
  void fileEditsApplyUnlessOverriddenAndDroppingTheOverrideFallsBackToTheFile(Vertx vertx, TestDatabase db,
                                                                               @TempDir Path dir) throws IOException {
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, "webhooks:\n  timeoutSeconds: 12\n");
    JsonObject config = TestService.config(db, new JsonObject().put("config", new JsonObject().put("scanIntervalMs", 200)));
    try (TestService service = TestService.start(vertx, config, file)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> timeout(service) == 12);
      assertThat(source(service, "timeoutSeconds")).isEqualTo("file");
      assertThat(source(service, "apiVersion")).isEqualTo("default");

      HttpResponse<Buffer> put = service.send(service.client().put(PATH), new JsonObject().put("timeoutSeconds", 30)
        .toBuffer(), service.adminToken(), "application/json", Map.of());
      assertThat(put.statusCode()).isEqualTo(200);
      Files.writeString(file, "webhooks:\n  timeoutSeconds: 15\n  apiVersion: \"2025-01-01\"\n");
      await().atMost(Duration.ofSeconds(5)).until(() -> "2025-01-01".equals(view(service).getString("apiVersion")));
      assertThat(timeout(service)).as("the override wins over the edited file").isEqualTo(30);
      assertThat(source(service, "timeoutSeconds")).isEqualTo("override");
      assertThat(source(service, "apiVersion")).isEqualTo("file");

      assertThat(service.send(service.client().delete(PATH + "/overrides"), null, service.adminToken(), null, Map.of())
        .statusCode()).isEqualTo(200);
      assertThat(timeout(service)).isEqualTo(15);
      assertThat(source(service, "timeoutSeconds")).isEqualTo("file");
    }
  }

  private static JsonObject view(TestService service) {
    return service.get(PATH, service.readToken()).bodyAsJsonObject().getJsonObject("data");
  }

  private static int timeout(TestService service) {
    return view(service).getInteger("timeoutSeconds");
  }

  private static String source(TestService service, String field) {
    return view(service).getJsonObject("sources").getString(field);
  }
}
