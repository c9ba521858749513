package io.webhookinbox;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.webhookinbox.config.AppConfig;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.TestDatabase;
import io.webhookinbox.support.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code token} command's output is a token the service accepts; the dev secret is created once, privately. */
@ExtendWith({VertxExtension.class, PostgresExtension.class})
class CommandsTest {

  @Test
  void mintedTokenIsAcceptedWithItsScopes(Vertx vertx, TestDatabase database) {
    JsonObject json = TestService.config(database, new JsonObject());
    try (TestService service = TestService.start(vertx, json)) {
      AppConfig config = Sources.config(json);
      String ingestOnly = WebhookInbox.token(config, List.of("--sub", "readme-user", "--scope", "webhooks:ingest"));

      HttpResponse<Buffer> response = service.postCisive(CisiveEvents.created("evt-cmd-1", "ORD-CMD-1").toBuffer(),
        ingestOnly, Map.of());

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(database.one("SELECT principal FROM webhook_events WHERE event_id = 'evt-cmd-1'").getString("principal"))
        .isEqualTo("readme-user");
      String readOnly = WebhookInbox.token(config, List.of("--scope", "webhooks:read"));
      assertThat(service.postCisive(CisiveEvents.created("evt-cmd-2", "ORD-CMD-2").toBuffer(), readOnly, Map.of())
        .statusCode()).isEqualTo(403);
    }
  }

  @Test
  void developmentSecretIsGeneratedOnceAndReadableOnlyByItsOwner(@TempDir Path dir) throws Exception {
    Path secretFile = dir.resolve("nested/dev-jwt-secret");
    JsonObject json = new JsonObject().put("jwt", new JsonObject().put("issuer", "i").put("audience", "a")
      .put("devSecretFile", secretFile.toString()));

    AppConfig first = io.webhookinbox.security.DevSecret.applyIfNoKeys(Sources.config(json));
    AppConfig second = io.webhookinbox.security.DevSecret.applyIfNoKeys(Sources.config(json));

    assertThat(first.jwt().hmacSecret()).hasSizeGreaterThanOrEqualTo(40).isEqualTo(second.jwt().hmacSecret());
    assertThat(Files.getPosixFilePermissions(secretFile)).extracting(Object::toString)
      .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
    AppConfig configured = Sources.config(json.copy().put("jwt", json.getJsonObject("jwt").copy().put("hmacSecret", "x".repeat(32))));
    assertThat(io.webhookinbox.security.DevSecret.applyIfNoKeys(configured).jwt().hmacSecret()).isEqualTo("x".repeat(32));
  }
}
