package io.webhookinbox.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.json.JsonObject;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.ProcessClient;
import io.webhookinbox.support.ServiceProcess;
import io.webhookinbox.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Outside development (a database is configured) the packaged service refuses to start with a placeholder or short
 * secret, or with Stripe signatures switched off, and names the setting; a live edit switching them off is refused.
 */
@ExtendWith(PostgresExtension.class)
class ProductionSafetyIT {

  @Test
  void placeholderAndShortSecretsStopStartUpNamingTheSetting(TestDatabase db, @TempDir Path dir) {
    try (ProcessClient client = new ProcessClient()) {
      Map<String, String> refused = Map.of(
        "STRIPE_WEBHOOK_SECRETS", "whsec_change_me",
        "JWT_HMAC_SECRET", "secret",
        "CISIVE_WEBHOOK_SECRETS", "whsec_c2hvcnQ=",
        "PG_PASSWORD", "change-me");
      for (Map.Entry<String, String> setting : refused.entrySet()) {
        try (ServiceProcess service = ServiceProcess.start(ServiceProcess.workingDirectory(
          dir.resolve(setting.getKey())), client.environment(db, Map.of(setting.getKey(), setting.getValue())))) {
          assertThat(service.waitForExit(Duration.ofSeconds(60))).as(setting.getKey()).isNotZero();
          assertThat(service.output()).as(setting.getKey())
            .anyMatch(line -> line.contains("Refusing to start outside development") && line.contains(setting.getKey()))
            .noneMatch(line -> line.contains("Webhook Inbox listening"))
            .noneMatch(line -> line.contains(setting.getValue()) && !setting.getValue().equals("secret"));
        }
      }
    }
  }

  @Test
  void stripeSignaturesCannotBeSwitchedOffOutsideDevelopmentNotEvenByALiveEdit(TestDatabase db, @TempDir Path dir)
    throws Exception {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    try (ProcessClient client = new ProcessClient()) {
      Path off = ServiceProcess.workingDirectory(dir.resolve("off"));
      write(yaml, off, new JsonObject().put("webhooks", new JsonObject().put("signatureVerification", false)));
      try (ServiceProcess service = ServiceProcess.start(off, client.environment(db, Map.of()))) {
        assertThat(service.waitForExit(Duration.ofSeconds(60))).isNotZero();
        assertThat(service.output()).anyMatch(line -> line.contains("webhooks.signatureVerification"));
      }

      Path live = ServiceProcess.workingDirectory(dir.resolve("live"));
      try (ServiceProcess service = ServiceProcess.start(live, client.environment(db, Map.of())).awaitListening()) {
        write(yaml, live, new JsonObject().put("webhooks", new JsonObject().put("signatureVerification", false)));
        service.awaitLine(line -> line.contains("Config change refused") && line.contains("signatureVerification"),
          Duration.ofSeconds(30));
        assertThat(client.get("/api/webhooks/configuration").statusCode()).as("still up").isEqualTo(401);
      }
    }
  }

  private static void write(ObjectMapper yaml, Path work, JsonObject change) throws Exception {
    Path config = work.resolve("conf/config.yaml");
    JsonObject settings = new JsonObject(yaml.readValue(config.toFile(), Map.class)).mergeIn(change, true);
    Files.writeString(config, settings.encodePrettily());
  }
}
