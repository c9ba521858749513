package io.webhookinbox;

import com.stripe.net.Webhook;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.webhookinbox.sources.stripe.StripeWebhook;
import io.webhookinbox.support.InboxExtension;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.StripeEvents;
import io.webhookinbox.support.TestService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The webhook management guide (src/test/resources/reference, a verbatim copy of the document existing clients
 * were written from) as a contract: each of its requests is replayed against the service, and each answer must have
 * every field of the guide's example and DTO, with the same JSON type. Its JavaScript examples run under node as
 * written, with {@code fetch} pointed at this service, and must print what the guide's users expect.
 */
@ExtendWith(PostgresExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GuideContractTest {
  private static final String SECRET = "whsec_guide_contract_0123456789abcdef";
  private static final String GUIDE_HOST = "https://api.imovel.com";
  /** Objects whose keys are data (event types, a payment's metadata): only their values' type is compared. */
  private static final Set<String> MAPS = Set.of("data.eventTypeBreakdown", "data.metadata");

  /**
   * The guide's statistics window (January 2024) is older than every default retention period, and the service's
   * start-up maintenance runs while {@link #januaryOf2024()} seeds it: kept forever here, so no seeded day is dropped.
   */
  @RegisterExtension
  static final InboxExtension inbox = new InboxExtension(new JsonObject()
    .put("retention", new JsonObject().put("events", 0).put("dedupKeys", 0).put("statistics", 0))
    .put("stripe", new JsonObject().put("webhookSecrets", new JsonArray().add(SECRET)))
    .put("webhooks", new JsonObject().put("endpointUrl", GUIDE_HOST + "/api/webhooks/events")), database -> { });
  private static final Guide guide = Guide.load();

  /**
   * January 2024, the guide's statistics window: four processed payments (100 to 150 ms, 125 on average) and one
   * event that failed 4 times and is dead: the guide's evt_failed_123 with 3 retries.
   */
  @BeforeAll
  static void januaryOf2024() {
    int[] processingMs = {100, 120, 130, 150};
    for (int i = 0; i < processingMs.length; i++) {
      seed("evt_jan_" + i, "pi_jan_" + i, "processed", 1, null, processingMs[i], "2024-01-1" + i + "T09:00:00Z");
    }
    seed("evt_failed_123", "pi_failed_123", "dead", 4, "5113 payment not found: pi_failed_123", null,
      "2024-01-15T10:30:00Z");
  }

  @Test
  @Order(1)
  void processWebhookAnswersTheWebhookProcessingResponse() {
    // The data model's event is the one the guide's event-details example shows (same ids, its metadata).
    HttpResponse<Buffer> response = postSigned(guide.json("### Webhook Event Structure", "```json"));

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    JsonObject body = response.bodyAsJsonObject();
    JsonObject example = guide.json("### 1. Process Stripe Webhook", "**Response:**");
    assertShape(example, body, "");
    assertThat(body.getString("status")).isEqualTo(example.getString("status"));
    assertThat(body.getString("message")).isEqualTo(example.getString("message"));
    assertDto(guide.dto("WebhookProcessingResponse"), body, "");
    assertThat(body.getString("eventId")).isEqualTo("evt_1234567890");
    assertThat(body.getString("eventType")).isEqualTo("payment_intent.succeeded");
    assertThat(body.getString("paymentId")).isEqualTo("pi_1234567890");

    // The endpoint's own request example carries the same id with another body (no metadata), so it is replayed
    // under an id of its own: the same id would rightly be a 409.
    JsonObject request = guide.json("### 1. Process Stripe Webhook", "**Request Body:**").put("id", "evt_1234567890_req");
    HttpResponse<Buffer> second = postSigned(request);
    assertThat(second.statusCode()).as(second.bodyAsString()).isEqualTo(200);
    assertShape(example, second.bodyAsJsonObject(), "");
  }

  @Test
  @Order(2)
  void rejectedSignatureAnswersBothErrorFormats() {
    JsonObject request = guide.json("### 1. Process Stripe Webhook", "**Request Body:**");
    // The PowerShell example's header, verbatim: its signature cannot verify (it goes to the catch branch).
    HttpResponse<Buffer> response = post(request, "t=1672531200,v1=test_signature");

    assertThat(response.statusCode()).isEqualTo(401);
    JsonObject body = response.bodyAsJsonObject();
    JsonObject endpointError = guide.json("### 1. Process Stripe Webhook", "**Error Responses:**");
    assertShape(endpointError, body, "");
    assertThat(body.getString("status")).isEqualTo("error");
    assertThat(body.getString("message")).isEqualTo("Invalid webhook signature");
    assertThat(body.getInteger("code")).isEqualTo(5110);
    JsonObject format = guide.json("### Error Response Format", "```json");
    assertShape(format, body, "");
    assertThat(body.getJsonObject("error").getInteger("code")).isEqualTo(5110);
    assertThat(body.getJsonObject("error").getString("message")).isEqualTo("Invalid webhook signature");
    assertThat(body.getJsonObject("error").getString("path")).isEqualTo("/api/webhooks/events");
  }

  @Test
  @Order(3)
  void powerShellSimulatedWebhookIsProcessedWhenSigned() {
    // The PowerShell hashtable as ConvertTo-Json writes it, created = now.
    JsonObject payload = new JsonObject().put("id", "evt_test_webhook").put("object", "event")
      .put("api_version", "2023-10-16").put("created", Instant.now().getEpochSecond())
      .put("data", new JsonObject().put("object", new JsonObject().put("id", "pi_test_payment")
        .put("object", "payment_intent").put("amount", 2000).put("currency", "usd").put("status", "succeeded")))
      .put("type", "payment_intent.succeeded");
    assertThat(guide.text()).contains("id = \"evt_test_webhook\"", "id = \"pi_test_payment\"", "amount = 2000");

    HttpResponse<Buffer> response = postSigned(payload);

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("status")).isEqualTo("success");
    assertThat(response.bodyAsJsonObject().getString("message")).isEqualTo("Webhook processed successfully");
  }

  @Test
  @Order(4)
  void statisticsMatchTheWebhookStatisticsDto() {
    HttpResponse<Buffer> response = inbox.service().get("/api/webhooks/statistics?startDate=2024-01-01T00:00:00Z"
      + "&endDate=2024-01-31T23:59:59Z&eventType=payment_intent.succeeded", inbox.service().readToken());

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    JsonObject body = response.bodyAsJsonObject();
    assertShape(guide.json("### 2. Get Webhook Statistics", "**Response:**"), body, "");
    JsonObject data = body.getJsonObject("data");
    assertDto(guide.dto("WebhookStatistics"), data, "data");
    assertDto(guide.dto("WebhookFailure"), data.getJsonArray("recentFailures").getJsonObject(0), "data.recentFailures[0]");
    assertThat(data.getLong("totalEvents")).isEqualTo(5);
    assertThat(data.getLong("successfulEvents")).isEqualTo(4);
    assertThat(data.getLong("failedEvents")).isEqualTo(1);
    assertThat(data.getDouble("successRate")).as("a percentage").isEqualTo(80.0);
    assertThat(data.getLong("averageProcessingTimeMs")).as("whole milliseconds (the shape checks the type)").isEqualTo(125);
    assertThat(data.getJsonObject("eventTypeBreakdown")).isEqualTo(new JsonObject().put("payment_intent.succeeded", 5));
    JsonObject failure = data.getJsonArray("recentFailures").getJsonObject(0);
    assertThat(failure.getString("eventId")).isEqualTo("evt_failed_123");
    assertThat(failure.getInteger("retryCount")).isEqualTo(3);
    assertThat(failure.getString("timestamp")).isEqualTo("2024-01-15T10:30Z");
  }

  @Test
  @Order(5)
  void configurationReadsAndUpdatesAsTheGuideShows() {
    JsonObject current = inbox.service().get("/api/webhooks/configuration", inbox.service().readToken())
      .bodyAsJsonObject();
    assertShape(guide.json("### 3. Get Webhook Configuration", "**Response:**"), current, "");
    assertDto(guide.dto("WebhookConfiguration"), current.getJsonObject("data"), "data");
    assertThat(List.copyOf(current.getJsonObject("data").fieldNames())).as("the guide's fields in the guide's order")
      .startsWith(guide.json("### 3. Get Webhook Configuration", "**Response:**").getJsonObject("data").fieldNames()
        .toArray(String[]::new));

    JsonObject update = guide.json("### 4. Update Webhook Configuration", "**Request Body:**");
    HttpResponse<Buffer> response = inbox.service().send(inbox.service().client().put("/api/webhooks/configuration"),
      update.toBuffer(), inbox.service().adminToken(), "application/json", Map.of());

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    JsonObject example = guide.json("### 4. Update Webhook Configuration", "**Response:**");
    JsonObject body = response.bodyAsJsonObject();
    assertShape(example, body, "");
    assertThat(body.getString("message")).isEqualTo(example.getString("message"));
    JsonObject data = body.getJsonObject("data");
    assertThat(data.getJsonArray("enabledEvents")).isEqualTo(update.getJsonArray("enabledEvents"));
    assertThat(data.getInteger("timeoutSeconds")).isEqualTo(45);
    assertThat(data.getInteger("maxRetries")).isEqualTo(5);
    assertThat(data.getString("status")).isEqualTo("active");
    assertThat(data.getString("endpointUrl")).isEqualTo(example.getJsonObject("data").getString("endpointUrl"));
  }

  @Test
  @Order(6)
  void retryAnswersTheGuidesRetryData() {
    HttpResponse<Buffer> response = inbox.service().postAsAdmin("/api/webhooks/retry/evt_failed_123");

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    JsonObject example = guide.json("### 5. Retry Failed Webhook", "**Response:**");
    assertShape(example, response.bodyAsJsonObject(), "");
    assertThat(response.bodyAsJsonObject().getJsonObject("data").getString("status")).isEqualTo("processing");
    await().atMost(Duration.ofSeconds(10)).until(() -> "processed".equals(inbox.db()
      .one("SELECT status FROM webhook_events WHERE event_id = 'evt_failed_123'").getString("status")));
  }

  @Test
  @Order(7)
  void eventDetailsCarryThePaymentsMetadata() {
    HttpResponse<Buffer> response = inbox.service().get("/api/webhooks/events/evt_1234567890",
      inbox.service().adminToken());

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    JsonObject example = guide.json("### 6. Get Webhook Event Details", "**Response:**");
    assertShape(example, response.bodyAsJsonObject(), "");
    JsonObject data = response.bodyAsJsonObject().getJsonObject("data");
    assertThat(data.getString("processingStatus")).isEqualTo("completed");
    assertThat(data.getString("paymentId")).isEqualTo("pi_1234567890");
    assertThat(data.getInteger("retryCount")).isZero();
    assertThat(data.getValue("errorMessage")).isNull();
    assertThat(data.getJsonObject("metadata")).isEqualTo(example.getJsonObject("data").getJsonObject("metadata"));
  }

  @Test
  @Order(8)
  void javascriptExamplesPrintWhatTheGuideShows(@TempDir Path dir) throws Exception {
    assumeTrue(nodeAvailable(), "node is not installed");
    // The retry above processed evt_failed_123; the examples expect it failed, as the guide's data has it.
    inbox.db().execute("UPDATE webhook_events SET status = 'dead', attempts = 4, processing_ms = NULL,"
      + " processed_at = NULL, last_error = '5113 payment not found: pi_failed_123' WHERE event_id = 'evt_failed_123'");

    List<String> statistics = node(dir, guide.javascript("#### Get Webhook Statistics"));
    assertThat(statistics).contains("Total Events: 5", "Success Rate: 80%", "Average Processing Time: 125ms",
      "  payment_intent.succeeded: 5", "  evt_failed_123: 5113 payment not found: pi_failed_123");

    List<String> retry = node(dir, guide.javascript("#### Retry Failed Webhook"));
    assertThat(retry).contains("✅ Webhook retry initiated successfully", "Event ID: evt_failed_123", "Status: processing")
      .anyMatch(line -> line.matches("Retry Attempt: \\d+"));

    List<String> details = node(dir, guide.javascript("#### Get Webhook Event Details"));
    assertThat(details).contains("Event ID: evt_1234567890", "Event Type: payment_intent.succeeded",
      "Payment ID: pi_1234567890", "Processing Status: completed", "Retry Count: 0")
      .anyMatch(line -> line.matches("Processing Time: \\d+ms"));
    for (List<String> output : List.of(statistics, retry, details)) {
      assertThat(output).noneMatch(line -> line.contains("undefined") || line.contains("[object Object]")
        || line.contains("null") || line.contains("Error"));
    }
  }

  private static void seed(String eventId, String paymentId, String status, int attempts, String lastError,
                           Integer processingMs, String receivedAt) {
    JsonObject event = StripeEvents.paymentIntent(eventId, "payment_intent.succeeded", paymentId, "succeeded",
      Instant.parse(receivedAt).getEpochSecond());
    inbox.db().execute("SELECT webhook_inbox_add_partitions(d, d) FROM (SELECT (?::timestamptz AT TIME ZONE 'UTC')::date"
      + " AS d) day", receivedAt);
    inbox.db().execute("""
      INSERT INTO webhook_events (source, event_id, event_type, external_id, occurred_at, payload, payload_sha256,
                                  status, attempts, last_error, correlation_id, received_at, processed_at, processing_ms)
      VALUES ('stripe', ?, 'payment_intent.succeeded', ?, ?::timestamptz, ?::jsonb, md5(?), ?, ?, ?, 'corr-guide',
              ?::timestamptz, CASE WHEN ? = 'processed' THEN ?::timestamptz END, ?)""",
      eventId, paymentId, receivedAt, event.encode(), eventId, status, attempts, lastError, receivedAt, status,
      receivedAt, processingMs);
  }

  private static HttpResponse<Buffer> postSigned(JsonObject event) {
    String body = event.encode();
    try {
      return post(event, Webhook.Signature.generateSignatureHeader(body, SECRET, Instant.now().getEpochSecond()));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static HttpResponse<Buffer> post(JsonObject event, String signature) {
    return inbox.service().send(inbox.service().client().post(StripeWebhook.PATH), event.toBuffer(), null,
      "application/json", Map.of("Stripe-Signature", signature));
  }

  /**
   * Every field of {@code example} is in {@code actual} with the same JSON type, recursively (arrays: each item
   * against the example's first). A null in the example allows anything; integers must stay integers.
   */
  static void assertShape(Object example, Object actual, String path) {
    if (example == null) {
      return;
    }
    assertThat(actual).as(path + " must be present and not null").isNotNull();
    if (example instanceof JsonObject object) {
      assertThat(actual).as(path).isInstanceOf(JsonObject.class);
      JsonObject target = (JsonObject) actual;
      for (String key : object.fieldNames()) {
        String child = path.isEmpty() ? key : path + "." + key;
        if (MAPS.contains(path)) {
          target.forEach(entry -> assertShape(object.getValue(key), entry.getValue(), child));
          continue;
        }
        assertThat(target.containsKey(key)).as(child + " is missing").isTrue();
        assertShape(object.getValue(key), target.getValue(key), child);
      }
    } else if (example instanceof JsonArray array) {
      assertThat(actual).as(path).isInstanceOf(JsonArray.class);
      if (!array.isEmpty()) {
        assertThat((JsonArray) actual).as(path + " has items in the guide").isNotEmpty();
        ((JsonArray) actual).forEach(item -> assertShape(array.getValue(0), item, path + "[]"));
      }
    } else if (example instanceof Integer || example instanceof Long) {
      assertThat(actual).as(path + " is a whole number").isInstanceOfAny(Integer.class, Long.class);
    } else {
      assertThat(actual).as(path).isInstanceOf(example instanceof Number ? Number.class : example.getClass());
    }
  }

  /** Every field of a guide DTO is present with a JSON type its Java type allows. */
  static void assertDto(Map<String, String> fields, JsonObject actual, String path) {
    assertThat(fields).isNotEmpty();
    fields.forEach((name, type) -> {
      assertThat(actual.containsKey(name)).as(path + "." + name + " is missing").isTrue();
      Object value = actual.getValue(name);
      if (value == null) {
        return;
      }
      Class<?> expected = switch (type.replaceAll("<.*", "")) {
        case "String" -> String.class;
        case "Long", "Integer" -> Long.class;
        case "Double" -> Number.class;
        case "Boolean" -> Boolean.class;
        case "Map" -> JsonObject.class;
        case "List" -> JsonArray.class;
        default -> throw new AssertionError("unexpected DTO type " + type);
      };
      if (expected == Long.class) {
        assertThat(value).as(path + "." + name).isInstanceOfAny(Integer.class, Long.class);
      } else {
        assertThat(value).as(path + "." + name).isInstanceOf(expected);
      }
    });
  }

  private static boolean nodeAvailable() {
    try {
      Process process = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Runs a guide example with {@code jwtToken} set and {@code fetch} sent to this service; returns its output. */
  private static List<String> node(Path dir, String example) throws Exception {
    String harness = "globalThis.jwtToken = process.env.GUIDE_TOKEN;\n"
      + "const guideFetch = globalThis.fetch;\n"
      + "globalThis.fetch = (url, init) => guideFetch(url.replace('" + GUIDE_HOST + "', process.env.GUIDE_BASE), init);\n";
    Path script = Files.createTempFile(dir, "example", ".mjs");
    Files.writeString(script, harness + example, StandardCharsets.UTF_8);
    // stderr apart: node 18 warns there that fetch is experimental; the examples' own errors go there too.
    Path errors = dir.resolve(script.getFileName() + ".stderr");
    ProcessBuilder builder = new ProcessBuilder("node", script.toString()).redirectError(errors.toFile());
    builder.environment().put("GUIDE_TOKEN", inbox.service().adminToken());
    builder.environment().put("GUIDE_BASE", "http://127.0.0.1:" + inbox.service().port());
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String stderr = Files.readString(errors, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(output + stderr).isZero();
    assertThat(stderr).as("the examples' catch blocks print to stderr").doesNotContain("❌");
    return output.lines().toList();
  }

  /** The guide's text and the blocks under its headings. */
  record Guide(String text) {
    private static final Pattern DTO_FIELD = Pattern.compile("private ([A-Za-z]+(?:<[^>]+>)?) (\\w+);");

    static Guide load() {
      try (InputStream in = GuideContractTest.class.getResourceAsStream("/reference/webhook-management-guide.md")) {
        return new Guide(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The first JSON block after {@code label}, which follows {@code heading}. */
    JsonObject json(String heading, String label) {
      return new JsonObject(block(heading, label, "```json\n"));
    }

    /** A JavaScript example by its heading (the PowerShell examples use the same headings, earlier). */
    String javascript(String heading) {
      return block("### JavaScript Examples", heading, "```javascript\n");
    }

    /** Fields of {@code public class name} in the guide's Java DTOs, in order. */
    Map<String, String> dto(String name) {
      String body = block("public class " + name + " {", "", "");
      body = body.substring(0, body.indexOf('}'));
      Map<String, String> fields = new LinkedHashMap<>();
      Matcher field = DTO_FIELD.matcher(body);
      while (field.find()) {
        fields.put(field.group(2), field.group(1));
      }
      return fields;
    }

    private String block(String heading, String label, String fence) {
      int at = text.indexOf(heading);
      assertThat(at).as("guide heading " + heading).isNotNegative();
      int labelAt = text.indexOf(label, at);
      assertThat(labelAt).as(label + " after " + heading).isNotNegative();
      int start = text.indexOf(fence, labelAt) + fence.length();
      int end = fence.isEmpty() ? text.length() : text.indexOf("```", start);
      return text.substring(start, end);
    }
  }
}
