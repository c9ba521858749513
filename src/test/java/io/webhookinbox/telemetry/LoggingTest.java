package io.webhookinbox.telemetry;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.LogCapture;
import io.webhookinbox.support.InboxExtension;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.TestService;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The JSON log lines as the production encoder writes them: correlated, and free of personal data. Ordered last
 * (junit-platform.properties), so the scan covers every line the whole suite made: failures, retries, dead
 * letters, rejections, shutdowns.
 */
@ExtendWith(PostgresExtension.class)
@Order(Integer.MAX_VALUE)
class LoggingTest {
  private static final List<String> PERSONAL_DATA = List.of(CisiveEvents.FIRST_NAME, CisiveEvents.LAST_NAME,
    CisiveEvents.EMAIL, CisiveEvents.DATE_OF_BIRTH, CisiveEvents.PHONE, "Evangelina", "Quarterfield");
  @RegisterExtension
  static final InboxExtension inbox = new InboxExtension();

  @Test
  void everyLineARequestCausesCarriesItsCorrelationIdAcrossVerticles() {
    inbox.service().postCisive(CisiveEvents.created("evt-log-1", "ORD-LOG-1").toBuffer(), inbox.service().ingestToken(),
      Map.of("X-Correlation-ID", "corr-log-1"));

    // The access line is written when the response has ended, which can be just after the client saw it.
    List<JsonObject> lines = await().atMost(Duration.ofSeconds(10)).until(
      () -> LogCapture.json().stream().filter(line -> "evt-log-1".equals(line.getString("eventId"))).toList(),
      found -> found.stream().anyMatch(line -> "access".equals(line.getString("logger_name"))));
    assertThat(lines).extracting(line -> line.getString("logger_name"))
      .contains("access", "io.webhookinbox.ingest.Inbox");
    // The worker's line carries the id although the worker got the event over the event bus, not the request.
    assertThat(lines).allSatisfy(line -> assertThat(line.getString("correlationId")).isEqualTo("corr-log-1"));

    JsonObject access = lines.stream().filter(line -> "access".equals(line.getString("logger_name"))).findFirst()
      .orElseThrow();
    assertThat(access.getString("method")).isEqualTo("POST");
    assertThat(access.getString("path")).isEqualTo(TestService.CISIVE_PATH);
    assertThat(access.getInteger("status")).isEqualTo(200);
    assertThat(access.getDouble("durationMs")).isNotNull();
    assertThat(access.getLong("bytesOut")).isPositive();
    assertThat(access.getString("eventType")).isEqualTo("OrderCreated");
    assertThat(access.getString("principal")).isEqualTo("cisive-test");
    assertThat(access.getString("outcome")).isEqualTo("processed");
  }

  @Test
  void concurrentRequestsNeverSwapCorrelationIds() {
    List<io.vertx.core.Future<HttpResponse<Buffer>>> inFlight = new ArrayList<>();
    String token = inbox.service().ingestToken();
    for (int i = 0; i < 20; i++) {
      inFlight.add(inbox.service().client().post(TestService.CISIVE_PATH)
        .putHeader("Authorization", "Bearer " + token)
        .putHeader("Content-Type", "application/json")
        .putHeader("X-Correlation-ID", "corr-par-" + i)
        .sendBuffer(CisiveEvents.created("evt-par-" + i, "ORD-PAR-" + i).toBuffer()));
    }
    io.vertx.core.Future.all(inFlight).await();

    List<JsonObject> lines = await().atMost(Duration.ofSeconds(10)).until(() -> LogCapture.json().stream()
      .filter(line -> String.valueOf(line.getString("eventId")).startsWith("evt-par-")).toList(),
      found -> found.size() >= 40);
    assertThat(lines).allSatisfy(line -> assertThat(line.getString("correlationId"))
      .isEqualTo("corr-par-" + line.getString("eventId").substring("evt-par-".length())));
  }

  @Test
  void personalDataNeverReachesLogsOrErrorBodies() {
    List<HttpResponse<Buffer>> responses = new ArrayList<>();
    // Accepted, duplicate, conflicting, invalid (PII next to broken fields), unauthorised.
    JsonObject event = CisiveEvents.created("evt-pii-1", "ORD-PII-1");
    responses.add(inbox.service().postCisive(event));
    responses.add(inbox.service().postCisive(event));
    JsonObject conflicting = event.copy();
    conflicting.getJsonObject("order").put("status", "Cancelled");
    responses.add(inbox.service().postCisive(conflicting));
    JsonObject invalid = CisiveEvents.created("evt-pii-2", "ORD-PII-2");
    invalid.getJsonObject("order").getJsonObject("candidate")
      .put("email", CisiveEvents.FIRST_NAME + " at home").put("dateOfBirth", CisiveEvents.LAST_NAME)
      .put("phone", CisiveEvents.PHONE.repeat(5));
    invalid.getJsonObject("order").put("status", CisiveEvents.EMAIL);
    responses.add(inbox.service().postCisive(invalid));
    responses.add(inbox.service().postCisive(Buffer.buffer("{\"candidate\": \"" + CisiveEvents.EMAIL + "\" oops"),
      inbox.service().ingestToken(), Map.of()));
    responses.add(inbox.service().postCisive(event.toBuffer(), "bogus." + CisiveEvents.LAST_NAME + ".x", Map.of()));

    assertThat(responses).extracting(HttpResponse::statusCode).containsExactly(200, 200, 409, 400, 400, 401);
    for (HttpResponse<Buffer> response : responses) {
      for (String personal : PERSONAL_DATA) {
        assertThat(response.bodyAsString()).doesNotContain(personal);
      }
    }
    List<String> lines = LogCapture.lines();
    assertThat(lines).hasSizeGreaterThan(500);
    for (String line : lines) {
      for (String personal : PERSONAL_DATA) {
        assertThat(line).doesNotContain(personal);
      }
    }
  }
}
