package io.webhookinbox.sources.cisive;

import com.standardwebhooks.Webhook;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.InboxExtension;
import io.webhookinbox.support.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cisive deliveries with Standard Webhooks HMAC signatures turned on (by configuring secrets), signed by the
 * com.standardwebhooks library: they need both a valid JWT and a valid signature.
 */
@ExtendWith(PostgresExtension.class)
class CisiveSignatureTest {
  static final String PRIMARY = "whsec_" + Base64.getEncoder().encodeToString("cisive-primary-key-32-bytes-long".getBytes(StandardCharsets.US_ASCII));
  static final String ROTATED = "whsec_" + Base64.getEncoder().encodeToString("cisive-rotated-key-32-bytes-long".getBytes(StandardCharsets.US_ASCII));
  @RegisterExtension
  static final InboxExtension inbox = new InboxExtension(new JsonObject()
    .put("cisive", new JsonObject().put("webhookSecrets", new JsonArray().add(PRIMARY).add(ROTATED))), database -> { });

  @Test
  void validTokenAndSignatureAreAccepted() throws Exception {
    String body = CisiveEvents.created("evt-sig-1", "ORD-SIG-1").encode();
    assertThat(post(body, signed("evt-sig-1", now(), body, PRIMARY), inbox.service().ingestToken()).statusCode()).isEqualTo(200);

    String rotated = CisiveEvents.created("evt-sig-2", "ORD-SIG-2").encode();
    assertThat(post(rotated, signed("evt-sig-2", now(), rotated, ROTATED), inbox.service().ingestToken()).statusCode())
      .isEqualTo(200);
  }

  @Test
  void anyMatchingEntryAmongSeveralPasses() throws Exception {
    String body = CisiveEvents.created("evt-sig-multi", "ORD-SIG-MULTI").encode();
    Map<String, String> headers = signed("evt-sig-multi", now(), body, PRIMARY);
    headers.put("webhook-signature", "v1," + Base64.getEncoder().encodeToString(new byte[32]) + " v2,ignored "
      + headers.get("webhook-signature"));
    assertThat(post(body, headers, inbox.service().ingestToken()).statusCode()).isEqualTo(200);
  }

  @Test
  void aValidSignatureDoesNotReplaceTheToken() throws Exception {
    String body = CisiveEvents.created("evt-sig-notoken", "ORD-SIG-NOTOKEN").encode();
    assertThat(post(body, signed("evt-sig-notoken", now(), body, PRIMARY), null).statusCode()).isEqualTo(401);
  }

  @Test
  void badSignaturesAre401() throws Exception {
    String body = CisiveEvents.created("evt-sig-bad", "ORD-SIG-BAD").encode();
    String wrongKey = "whsec_" + Base64.getEncoder().encodeToString("someone-else-entirely-32-bytes!!".getBytes(StandardCharsets.US_ASCII));

    assertRejected(post(body, signed("evt-sig-bad", now(), body, wrongKey), inbox.service().ingestToken()), 401, "webhook-signature");
    Map<String, String> good = signed("evt-sig-bad", now(), body, PRIMARY);
    String tampered = body.replace("PKG-STANDARD", "PKG-STANDARE");
    assertThat(tampered).isNotEqualTo(body).hasSameSizeAs(body);
    assertRejected(post(tampered, good, inbox.service().ingestToken()), 401, "webhook-signature");
    assertRejected(post(new JsonObject(body).encodePrettily(), good, inbox.service().ingestToken()), 401, "webhook-signature");
    assertRejected(post(body, signed("evt-sig-bad", now() - 301, body, PRIMARY), inbox.service().ingestToken()), 401, "webhook-timestamp");
    assertRejected(post(body, signed("evt-sig-bad", now() + 301, body, PRIMARY), inbox.service().ingestToken()), 401, "webhook-timestamp");
    for (String header : new String[] {"webhook-id", "webhook-timestamp", "webhook-signature"}) {
      Map<String, String> missing = new HashMap<>(good);
      missing.remove(header);
      assertRejected(post(body, missing, inbox.service().ingestToken()), 401, header);
    }
    assertThat(inbox.db().count("SELECT count(*) FROM webhook_events WHERE event_id = 'evt-sig-bad'")).isZero();
  }

  @Test
  void malformedHeadersAre400() throws Exception {
    String body = CisiveEvents.created("evt-sig-mal", "ORD-SIG-MAL").encode();
    Map<String, String> headers = signed("evt-sig-mal", now(), body, PRIMARY);
    headers.put("webhook-signature", "garbage");
    assertRejected(post(body, headers, inbox.service().ingestToken()), 400, "webhook-signature");
    headers = signed("evt-sig-mal", now(), body, PRIMARY);
    headers.put("webhook-timestamp", "yesterday");
    assertRejected(post(body, headers, inbox.service().ingestToken()), 400, "webhook-timestamp");
  }

  @Test
  void webhookIdMustEqualTheEventId() throws Exception {
    String body = CisiveEvents.created("evt-sig-id", "ORD-SIG-ID").encode();
    HttpResponse<Buffer> response = post(body, signed("evt-other-id", now(), body, PRIMARY), inbox.service().ingestToken());
    assertRejected(response, 400, "webhook-id");
  }

  @Test
  void replayedSignedDeliveryIsADuplicate() throws Exception {
    String body = CisiveEvents.created("evt-sig-replay", "ORD-SIG-REPLAY").encode();
    Map<String, String> headers = signed("evt-sig-replay", now(), body, PRIMARY);
    assertThat(post(body, headers, inbox.service().ingestToken()).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> replay = post(body, headers, inbox.service().ingestToken());
    assertThat(replay.bodyAsJsonObject().getJsonObject("data").getString("status")).isEqualTo("duplicate");
  }

  private static Map<String, String> signed(String id, long timestamp, String body, String secret) throws Exception {
    Map<String, String> headers = new HashMap<>();
    headers.put("webhook-id", id);
    headers.put("webhook-timestamp", String.valueOf(timestamp));
    headers.put("webhook-signature", new Webhook(secret).sign(id, timestamp, body));
    return headers;
  }

  private static HttpResponse<Buffer> post(String body, Map<String, String> headers, String token) {
    return inbox.service().postCisive(Buffer.buffer(body), token, headers);
  }

  private static void assertRejected(HttpResponse<Buffer> response, int status, String header) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getInteger("code")).isEqualTo(5110);
    assertThat(error.getJsonArray("fieldErrors").getJsonObject(0).getString("field")).isEqualTo(header);
  }

  private static long now() {
    return Instant.now().getEpochSecond();
  }
}
