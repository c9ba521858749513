package io.webhookinbox.sources.cisive;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.InboxExtension;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad input gets a clear 4xx naming the field and the reason, and nothing is stored. */
@ExtendWith(PostgresExtension.class)
class CisiveValidationTest {
  @RegisterExtension
  static final InboxExtension inbox = new InboxExtension();

  @Test
  void malformedJsonIs400WithPosition() {
    HttpResponse<Buffer> response = post(Buffer.buffer("{\"eventId\": \"x\",\n \"order\": {"));

    JsonObject error = errorOf(response, 400, 5100);
    assertThat(error.getJsonArray("fieldErrors").getJsonObject(0).getString("reason")).startsWith("invalid JSON at line 2");
    assertThat(error.getString("correlationId")).isEqualTo(response.getHeader("X-Correlation-ID"));
    assertThat(error.getString("path")).isEqualTo(TestService.CISIVE_PATH);
    assertThat(error.getString("timestamp")).isNotBlank();
    assertNothingStored();
  }

  /** Past the parser's limits (1,000 levels of nesting, 1,000 digits) a body is malformed, and the answer names the limits. */
  @Test
  void aBodyPastTheParsersLimitsIs400NamingThem() {
    String deep = "{\"eventId\": \"evt-deep\", \"order\": " + "[".repeat(5_000) + "]".repeat(5_000) + "}";
    String longNumber = "{\"eventId\": \"evt-long\", \"order\": " + "9".repeat(1_500) + "}";

    for (String body : List.of(deep, longNumber)) {
      assertThat(reasons(errorOf(post(Buffer.buffer(body)), 400, 5100)))
        .containsExactly(" : exceeds the JSON parser's limits: nesting at most 1000 levels, numbers at most 1000 digits,"
          + " strings at most 20000000 characters");
    }
    assertNothingStored();
  }

  @Test
  void emptyBodyAndNonObjectBodiesAre400() {
    assertThat(reasons(errorOf(post(Buffer.buffer()), 400, 5100))).containsExactly(" : body is empty");
    assertThat(reasons(errorOf(post(Buffer.buffer("[1,2]")), 400, 5101))).containsExactly(" : body must be a JSON object");
    assertThat(reasons(errorOf(post(Buffer.buffer("\"text\"")), 400, 5101))).containsExactly(" : body must be a JSON object");
    assertNothingStored();
  }

  @Test
  void schemaViolationsNameEveryFailingField() {
    JsonObject event = CisiveEvents.created("evt bad id", "ORD/1");
    event.put("eventType", "OrderDeleted").put("occurredAt", "yesterday");
    JsonObject order = event.getJsonObject("order");
    order.put("status", "Lost").put("packageCode", "P".repeat(65));
    order.getJsonObject("candidate").remove("lastName");
    order.getJsonObject("candidate").put("email", "not-an-email").put("dateOfBirth", "1987-02-30");
    order.getJsonArray("services").add(new JsonObject().put("code", 7));

    JsonObject error = errorOf(post(event.toBuffer()), 400, 5101);

    assertThat(reasons(error)).containsExactlyInAnyOrder(
      "/eventId : must match the pattern ^[A-Za-z0-9._:-]+$",
      "/eventType : must be one of [\"OrderCreated\",\"OrderUpdated\"]",
      "/occurredAt : must be a valid RFC 3339 date-time",
      "/order/externalOrderId : must match the pattern ^[A-Za-z0-9._-]+$",
      "/order/status : must be one of [\"Created\",\"Submitted\",\"InProgress\",\"OnHold\",\"Completed\",\"Cancelled\"]",
      "/order/packageCode : must be at most 64 characters long",
      "/order/candidate/lastName : is required",
      "/order/candidate/email : must be a valid email",
      "/order/candidate/dateOfBirth : must be a valid date",
      "/order/services/2/code : must be of type string",
      "/order/services/2/status : is required");
    assertNothingStored();
  }

  /** The schema library throws on an empty email instead of refusing it: the answer must still name the field. */
  @Test
  void anEmptyEmailIsARefusalNamingItNotAnError() {
    JsonObject event = CisiveEvents.created("evt-empty-email", "ORD-EMPTY-EMAIL");
    event.getJsonObject("order").getJsonObject("candidate").put("email", "");

    JsonObject error = errorOf(post(event.toBuffer()), 400, 5101);

    assertThat(reasons(error)).containsExactly("/order/candidate/email : must be a valid email");
    assertNothingStored();
  }

  @Test
  void missingTopLevelFieldsAreEachReported() {
    JsonObject error = errorOf(post(new JsonObject().put("schemaVersion", "1.0").toBuffer()), 400, 5101);
    assertThat(reasons(error)).containsExactlyInAnyOrder("/eventId : is required", "/eventType : is required",
      "/occurredAt : is required", "/order : is required");
  }

  @Test
  void tooManyServicesAndTooLongIdsAreRejected() {
    JsonObject event = CisiveEvents.created("e".repeat(129), "O".repeat(65));
    JsonArray services = new JsonArray();
    for (int i = 0; i < 101; i++) {
      services.add(new JsonObject().put("code", "C" + i).put("status", "Pending"));
    }
    event.getJsonObject("order").put("services", services);

    assertThat(reasons(errorOf(post(event.toBuffer()), 400, 5101))).containsExactlyInAnyOrder(
      "/eventId : must be at most 128 characters long",
      "/order/externalOrderId : must be at most 64 characters long",
      "/order/services : must have at most 100 items");
  }

  @Test
  void nulCharacterIsRejectedWithItsField() {
    JsonObject event = CisiveEvents.created("evt-nul-1", "ORD-NUL-1");
    event.getJsonObject("order").put("clientReference", "abc\u0000def");

    JsonObject error = errorOf(post(event.toBuffer()), 400, 5101);

    assertThat(error.getJsonArray("fieldErrors").getJsonObject(0).getString("field")).isEqualTo("/order/clientReference");
    assertNothingStored();
  }

  @Test
  void unpairedSurrogateEscapeIsRejectedNot500() {
    String body = CisiveEvents.created("evt-sur-1", "ORD-SUR-1").encode()
      .replace("PKG-STANDARD", "PKG\\ud800X");

    JsonObject error = errorOf(post(Buffer.buffer(body)), 400, 5101);

    assertThat(error.getJsonArray("fieldErrors").getJsonObject(0).getString("field")).isEqualTo("/order/packageCode");
  }

  @Test
  void numberTooLargeToStoreIs400NotA500() {
    String body = CisiveEvents.created("evt-huge-1", "ORD-HUGE-1").put("vendorScore", 1).encode()
      .replace("\"vendorScore\":1", "\"vendorScore\":1e999999");

    JsonObject error = errorOf(post(Buffer.buffer(body)), 400, 5101);

    assertThat(error.getJsonArray("fieldErrors").getJsonObject(0).getString("field")).isEqualTo("/vendorScore");
  }

  @Test
  void leapSecondThatJavaCannotHoldIs400() {
    JsonObject event = CisiveEvents.event("evt-leap-1", "OrderCreated", "2026-12-31T23:59:60Z", "ORD-LEAP-1", "Created");

    HttpResponse<Buffer> response = post(event.toBuffer());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getJsonArray("fieldErrors").getJsonObject(0)
      .getString("field")).isEqualTo("/occurredAt");
  }

  @Test
  void occurredAtBeyondTheAllowedSkewIsRefusedSoItCannotFreezeTheOrder() {
    String hoursAhead = java.time.Instant.now().plus(java.time.Duration.ofHours(3)).toString();
    JsonObject fromTheFuture = CisiveEvents.event("evt-future-1", "OrderCreated", hoursAhead, "ORD-FUTURE-1", "Created");

    JsonObject error = errorOf(post(fromTheFuture.toBuffer()), 400, 5101);

    assertThat(reasons(error)).containsExactly("/occurredAt : must not be more than 300 seconds in the future");
    assertNothingStored();
    String withinSkew = java.time.Instant.now().plusSeconds(60).toString();
    assertThat(post(CisiveEvents.event("evt-future-2", "OrderCreated", withinSkew, "ORD-FUTURE-2", "Created")
      .toBuffer()).statusCode()).as("a sender's clock a minute ahead").isEqualTo(200);
  }

  @Test
  void reasonsNameTheRuleNeverTheValueSent() {
    JsonObject event = CisiveEvents.created("evt-echo-1", "ORD-ECHO-1");
    event.put("eventType", "OrderSecretlyDeleted");
    event.getJsonObject("order").put("packageCode", "P".repeat(65)).remove("status");

    List<String> reasons = reasons(errorOf(post(event.toBuffer()), 400, 5101));

    assertThat(reasons).contains("/order/status : is required", "/order/packageCode : must be at most 64 characters long")
      .anyMatch(reason -> reason.startsWith("/eventType : must be one of"));
    assertThat(String.join("\n", reasons)).doesNotContain("OrderSecretlyDeleted").doesNotContain("PPPP");
  }

  @Test
  void bodyOverOneMebibyteIs413() {
    JsonObject event = CisiveEvents.created("evt-big-1", "ORD-BIG-1");
    event.put("padding", "x".repeat(1024 * 1024));

    errorOf(post(event.toBuffer()), 413, 5105);
    assertNothingStored();
  }

  @Test
  void bodyJustUnderTheLimitIsAccepted() {
    JsonObject event = CisiveEvents.created("evt-near-limit", "ORD-NEAR-LIMIT");
    int size = event.toBuffer().length();
    event.put("padding", "x".repeat(1024 * 1024 - size - 20));
    assertThat(event.toBuffer().length()).isLessThanOrEqualTo(1024 * 1024);

    assertThat(post(event.toBuffer()).statusCode()).isEqualTo(200);
  }

  @Test
  void nonJsonContentTypesAre415AndUtf8CharsetIsFine() {
    Buffer body = CisiveEvents.created("evt-ct-1", "ORD-CT-1").toBuffer();
    for (String contentType : new String[] {"text/plain", "application/x-www-form-urlencoded",
      "application/json; charset=iso-8859-1"}) {
      HttpResponse<Buffer> response = inbox.service().send(inbox.service().client().post(TestService.CISIVE_PATH), body,
        inbox.service().ingestToken(), contentType, Map.of());
      errorOf(response, 415, 5106);
    }
    errorOf(inbox.service().send(inbox.service().client().post(TestService.CISIVE_PATH), body, inbox.service().ingestToken(), null, Map.of()),
      415, 5106);
    assertNothingStored();

    HttpResponse<Buffer> ok = inbox.service().send(inbox.service().client().post(TestService.CISIVE_PATH), body, inbox.service().ingestToken(),
      "application/json; charset=UTF-8", Map.of());
    assertThat(ok.statusCode()).isEqualTo(200);
  }

  @Test
  void utf8TextIsStoredIntact() {
    JsonObject event = CisiveEvents.created("evt-utf8-1", "ORD-UTF8-1");
    event.getJsonObject("order").put("clientReference", "Zürich – 東京 – 🚀");

    assertThat(post(Buffer.buffer(event.encode().getBytes(StandardCharsets.UTF_8))).statusCode()).isEqualTo(200);
    assertThat(inbox.db().one("SELECT client_reference FROM orders WHERE external_order_id = 'ORD-UTF8-1'")
      .getString("client_reference")).isEqualTo("Zürich – 東京 – 🚀");
  }

  @Test
  void unknownRoutesAndMethodsUseTheEnvelope() {
    errorOf(inbox.service().send(inbox.service().client().get("/api/nothing-here"), null, null, null, Map.of()), 404, 5115);
    errorOf(inbox.service().send(inbox.service().client().get(TestService.CISIVE_PATH), null, null, null, Map.of()), 405, 5116);
  }

  private static HttpResponse<Buffer> post(Buffer body) {
    return inbox.service().postCisive(body, inbox.service().ingestToken(), Map.of());
  }

  static JsonObject errorOf(HttpResponse<Buffer> response, int status, int code) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getBoolean("success")).isFalse();
    JsonObject error = body.getJsonObject("error");
    assertThat(error.getInteger("code")).isEqualTo(code);
    assertThat(error.getString("message")).isNotBlank();
    assertThat(error.getString("correlationId")).isEqualTo(response.getHeader("X-Correlation-ID"));
    return error;
  }

  static List<String> reasons(JsonObject error) {
    return error.getJsonArray("fieldErrors").stream().map(JsonObject.class::cast)
      .map(detail -> detail.getString("field") + " : " + detail.getString("reason")).toList();
  }

  private static void assertNothingStored() {
    assertThat(inbox.db().count("SELECT count(*) FROM webhook_events WHERE event_id NOT IN ('evt-near-limit', 'evt-utf8-1', 'evt-ct-1', 'evt-future-2')")).isZero();
    assertThat(inbox.db().count("SELECT count(*) FROM orders WHERE external_order_id NOT IN ('ORD-NEAR-LIMIT', 'ORD-UTF8-1', 'ORD-CT-1', 'ORD-FUTURE-2')")).isZero();
  }
}
