package io.webhookinbox.overrides;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.TestDatabase;
import io.webhookinbox.support.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The configuration API over two replicas of one database: effective values with their sources, validation,
 * overrides that every replica applies within a second, and a return to the file's values.
 */
@ExtendWith({VertxExtension.class, PostgresExtension.class})
class ConfigurationApiTest {
  private static final String PATH = "/api/webhooks/configuration";
  private static TestService replicaA;
  private static TestService replicaB;

  @BeforeAll
  static void start(Vertx vertx, TestDatabase database) {
    JsonObject fileValues = new JsonObject()
      .put("webhooks", new JsonObject().put("endpointUrl", "https://inbox.example.com/api/webhooks/events"))
      .put("retry", new JsonObject().put("initialDelayMs", 3000));
    replicaA = TestService.start(vertx, TestService.config(database, fileValues));
    replicaB = TestService.start(vertx, TestService.config(database, fileValues));
  }

  @AfterEach
  void dropOverrides() {
    replicaA.send(replicaA.client().delete(PATH + "/overrides"), null, replicaA.adminToken(), null, Map.of());
  }

  @AfterAll
  static void stop() {
    replicaA.close();
    replicaB.close();
  }

  @Test
  void getShowsEffectiveValuesAndWhereEachCameFrom() {
    JsonObject config = configuration(replicaA, replicaA.readToken());
    assertThat(config.getString("endpointUrl")).isEqualTo("https://inbox.example.com/api/webhooks/events");
    assertThat(config.getJsonArray("enabledEvents")).contains("OrderCreated", "payment_intent.succeeded")
      .doesNotContain("charge.dispute.created");
    assertThat(config.getString("apiVersion")).isEqualTo("2024-06-20");
    assertThat(config.getBoolean("signatureVerification")).isTrue();
    assertThat(config.getInteger("timeoutSeconds")).isEqualTo(10);
    assertThat(config.getInteger("maxRetries")).isEqualTo(5);
    assertThat(config.getString("status")).isEqualTo("active");
    assertThat(config.getJsonObject("retry").getInteger("initialDelayMs")).isEqualTo(3000);
    assertThat(config.getJsonObject("scheduler").getBoolean("enabled")).isTrue();
    JsonObject sources = config.getJsonObject("sources");
    assertThat(sources.getString("endpointUrl")).isEqualTo("file");
    assertThat(sources.getString("maxRetries")).isEqualTo("default");
    assertThat(sources.getJsonObject("retry").getString("initialDelayMs")).isEqualTo("file");
    assertThat(sources.getJsonObject("retry").getString("multiplier")).isEqualTo("default");
  }

  @Test
  void putAppliesOnEveryReplicaWithinASecondAndDeleteRestoresTheFile() {
    JsonObject change = new JsonObject()
      .put("enabledEvents", new JsonArray().add("OrderCreated").add("payment_intent.succeeded"))
      .put("maxRetries", 8)
      .put("retry", new JsonObject().put("multiplier", 3.0));

    JsonObject applied = put(replicaA, change, 200).getJsonObject("data");
    assertThat(applied.getInteger("maxRetries")).isEqualTo(8);
    assertThat(applied.getJsonObject("sources").getString("maxRetries")).isEqualTo("override");
    assertThat(applied.getJsonObject("lastChange").getLong("version")).isPositive();

    await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20)).until(() -> {
      JsonObject seenByB = configuration(replicaB, replicaB.readToken());
      return seenByB.getInteger("maxRetries") == 8 && seenByB.getJsonObject("retry").getDouble("multiplier") == 3.0;
    });
    assertThat(replicaB.server().settings().retry().maxAttempts()).isEqualTo(8);

    // OrderUpdated is no longer enabled: still stored, as ignored, and answered 200.
    HttpResponse<Buffer> ignored = replicaB.postCisive(CisiveEvents.event("evt-cfg-ignored", "OrderUpdated",
      "2026-11-20T10:00:00Z", "ORD-CFG-IGN", "Submitted"));
    assertThat(ignored.statusCode()).isEqualTo(200);
    assertThat(ignored.bodyAsJsonObject().getJsonObject("data").getString("status")).isEqualTo("ignored");

    HttpResponse<Buffer> restored = replicaA.send(replicaA.client().delete(PATH + "/overrides"), null,
      replicaA.adminToken(), null, Map.of());
    assertThat(restored.statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
      .until(() -> configuration(replicaB, replicaB.readToken()).getInteger("maxRetries") == 5);
    JsonObject back = configuration(replicaB, replicaB.readToken());
    assertThat(back.getJsonObject("sources").getString("maxRetries")).isEqualTo("default");
    assertThat(back.getJsonArray("enabledEvents")).contains("OrderUpdated");

    // Once enabled again, the ignored event can be replayed and is applied.
    assertThat(replicaB.postAsAdmin("/api/webhooks/retry/evt-cfg-ignored").statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(5)).until(() -> "processed".equals(replicaB.get(
      "/api/webhooks/events/evt-cfg-ignored", replicaB.readToken()).bodyAsJsonObject().getJsonObject("data")
      .getString("inboxStatus")));
  }

  @Test
  void disablingTheEndpointsRefusesDeliveriesWith503() {
    put(replicaA, new JsonObject().put("status", "disabled"), 200);
    await().atMost(Duration.ofSeconds(1)).until(() -> !replicaB.server().settings().webhooks().active());
    HttpResponse<Buffer> refused = replicaB.postCisive(CisiveEvents.created("evt-cfg-off", "ORD-CFG-OFF"));
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.getHeader("Retry-After")).isNotBlank();
    assertThat(refused.bodyAsJsonObject().getJsonObject("error").getInteger("code")).isEqualTo(5120);
  }

  @Test
  void invalidChangesAre400NamingTheFieldAndChangeNothing() {
    assertRejected(put(replicaA, new JsonObject().put("timeoutSeconds", 0), 400), 5101, "/timeoutSeconds");
    assertRejected(put(replicaA, new JsonObject().put("maxRetries", "many"), 400), 5101, "/maxRetries");
    assertRejected(put(replicaA, new JsonObject().put("retry", new JsonObject().put("multiplier", 0.5)), 400), 5101,
      "/retry/multiplier");
    assertRejected(put(replicaA, new JsonObject().put("retry", new JsonObject().put("speed", 1)), 400), 5101,
      "/retry/speed");
    assertRejected(put(replicaA, new JsonObject().put("colour", "blue"), 400), 5101, "/colour");
    assertRejected(put(replicaA, new JsonObject().put("status", "paused"), 400), 5101, "/status");
    assertRejected(put(replicaA, new JsonObject().put("signatureVerification", false), 400), 5101,
      "/signatureVerification");
    assertRejected(put(replicaA, new JsonObject().put("signatureVerification", "false"), 400), 5101,
      "/signatureVerification");
    assertRejected(put(replicaA, new JsonObject().put("endpointUrl", "not a url"), 400), 5101, "/endpointUrl");
    // Beyond int: (int) 4294968296 would be 1000, a valid timeout.
    assertRejected(put(replicaA, new JsonObject().put("timeoutSeconds", 4294968296L), 400), 5101, "/timeoutSeconds");
    assertRejected(put(replicaA, new JsonObject().put("maxRetries", "4294967301"), 400), 5101, "/maxRetries");
    assertRejected(put(replicaA, new JsonObject().put("scheduler", new JsonObject().put("batchSize", 1e12)), 400),
      5101, "/scheduler/batchSize");
    assertRejected(put(replicaA, new JsonObject().put("enabledEvents", new JsonArray().add("invoice.paid")), 400), 5112,
      "/enabledEvents");
    assertThat(replicaA.send(replicaA.client().put(PATH), Buffer.buffer("{oops"), replicaA.adminToken(),
      "application/json", Map.of()).statusCode()).isEqualTo(400);
    assertThat(configuration(replicaA, replicaA.readToken()).getJsonObject("sources").getString("timeoutSeconds"))
      .isEqualTo("default");
  }

  @Test
  void aGetBodyCanBeEditedAndPutBack() {
    JsonObject edited = configuration(replicaA, replicaA.adminToken()).put("timeoutSeconds", 20);
    JsonObject saved = put(replicaA, edited, 200).getJsonObject("data");
    assertThat(saved.getInteger("timeoutSeconds")).isEqualTo(20);
    assertThat(saved.getJsonObject("sources").getString("endpointUrl")).isEqualTo("override");
  }

  private static JsonObject configuration(TestService replica, String token) {
    HttpResponse<Buffer> response = replica.get(PATH, token);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject().getJsonObject("data");
  }

  private static JsonObject put(TestService replica, JsonObject body, int status) {
    HttpResponse<Buffer> response = replica.send(replica.client().put(PATH), body.toBuffer(), replica.adminToken(),
      "application/json", Map.of());
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    return response.bodyAsJsonObject();
  }

  private static void assertRejected(JsonObject body, int code, String field) {
    JsonObject error = body.getJsonObject("error");
    assertThat(error.getInteger("code")).isEqualTo(code);
    assertThat(error.getJsonArray("fieldErrors").getJsonObject(0).getString("field")).isEqualTo(field);
    assertThat(error.getJsonArray("fieldErrors").getJsonObject(0).getString("reason")).isNotBlank();
  }
}
