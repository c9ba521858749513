package io.webhookinbox.sources.stripe;

import com.stripe.net.Webhook;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.webhookinbox.support.InboxExtension;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.StripeEvents;
import io.webhookinbox.support.TestDatabase;
import io.webhookinbox.support.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stripe deliveries signed by Stripe's own Java library (an implementation independent of ours), plus hand-made
 * bad cases. Every rejection is a 401 (or 400 when the header is malformed), never a 500.
 */
@ExtendWith({VertxExtension.class, PostgresExtension.class})
class StripeWebhookTest {
  static final String PRIMARY = "whsec_test_primary_0123456789abcdef";
  static final String ROTATED = "whsec_test_rotated_fedcba9876543210";
  @RegisterExtension
  static final InboxExtension inbox = new InboxExtension(new JsonObject()
    .put("stripe", new JsonObject().put("webhookSecrets", new JsonArray().add(PRIMARY).add(ROTATED))
      .put("toleranceSeconds", 300)), database -> { });

  @Test
  void signedPaymentEventIsStoredAndUpsertedAndReplayIsDuplicate() throws Exception {
    String body = StripeEvents.paymentIntent("evt_ok_1", "payment_intent.succeeded", "pi_ok_1", "succeeded", now())
      .encode();

    HttpResponse<Buffer> response = post(body, Webhook.Signature.generateSignatureHeader(body, PRIMARY, now()));

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    JsonObject data = response.bodyAsJsonObject().getJsonObject("data");
    assertThat(data.getString("status")).isEqualTo("processed");
    assertThat(data.getString("paymentId")).isEqualTo("pi_ok_1");
    assertThat(data.getInteger("paymentVersion")).isEqualTo(1);
    JsonObject payment = inbox.db().one("SELECT status, amount, currency, metadata->>'orderRef' AS ref, livemode, version,"
      + " last_event_id, source_system FROM payments WHERE payment_intent_id = 'pi_ok_1'");
    assertThat(payment).isEqualTo(new JsonObject().put("status", "succeeded").put("amount", 12_500L)
      .put("currency", "gbp").put("ref", "ORD-77").put("livemode", false).put("version", 1)
      .put("last_event_id", "evt_ok_1").put("source_system", "Stripe"));
    assertThat(inbox.db().one("SELECT source, external_id, principal, status FROM webhook_events WHERE event_id = 'evt_ok_1'"))
      .isEqualTo(new JsonObject().put("source", "stripe").put("external_id", "pi_ok_1")
        .put("principal", "stripe-signature").put("status", "processed"));

    // Stripe retries with a fresh timestamp and signature: the event id makes it a duplicate.
    HttpResponse<Buffer> replay = post(body, Webhook.Signature.generateSignatureHeader(body, PRIMARY, now()));
    assertThat(replay.bodyAsJsonObject().getJsonObject("data").getString("status")).isEqualTo("duplicate");
    assertThat(inbox.db().count("SELECT count(*) FROM webhook_events WHERE event_id = 'evt_ok_1'")).isEqualTo(1);
  }

  @Test
  void aRedeliveryWhoseLiveFieldsChangedIsADuplicateNotAConflict() throws Exception {
    JsonObject first = StripeEvents.paymentIntent("evt_resent_1", "payment_intent.succeeded", "pi_resent_1",
      "succeeded", now());
    assertThat(send(first).statusCode()).isEqualTo(200);

    // Stripe resends the event with its live fields as they are now; the signed event id decides.
    HttpResponse<Buffer> resent = send(first.copy().put("pending_webhooks", 0).put("request",
      new JsonObject().put("id", "req_resent")));

    assertThat(resent.statusCode()).as(resent.bodyAsString()).isEqualTo(200);
    assertThat(resent.bodyAsJsonObject().getJsonObject("data").getString("status")).isEqualTo("duplicate");
    assertThat(resent.bodyAsJsonObject().getJsonObject("data").getInteger("paymentVersion")).isEqualTo(1);
    assertThat(inbox.db().one("SELECT count(*) AS events, min(payload->>'pending_webhooks') AS pending"
      + " FROM webhook_events WHERE event_id = 'evt_resent_1'"))
      .isEqualTo(new JsonObject().put("events", 1L).put("pending", "1"));
    assertThat(inbox.db().one("SELECT version FROM payments WHERE payment_intent_id = 'pi_resent_1'").getInteger("version"))
      .isEqualTo(1);
  }

  @Test
  void secretRotationAcceptsAnyConfiguredSecretAndAnyMatchingV1() throws Exception {
    String body = StripeEvents.paymentIntent("evt_rot_1", "payment_intent.succeeded", "pi_rot_1", "succeeded", now())
      .encode();
    assertThat(post(body, Webhook.Signature.generateSignatureHeader(body, ROTATED, now())).statusCode()).isEqualTo(200);

    String second = StripeEvents.paymentIntent("evt_rot_2", "payment_intent.succeeded", "pi_rot_2", "succeeded", now())
      .encode();
    String valid = Webhook.Signature.generateSignatureHeader(second, PRIMARY, now());
    String v1 = valid.substring(valid.indexOf("v1=") + 3);
    String several = "t=" + now() + ",v1=" + "0".repeat(64) + ",v0=" + "1".repeat(64) + ",v1=" + v1;
    assertThat(post(second, several).statusCode()).isEqualTo(200);
  }

  @Test
  void badSignaturesAre401AndNothingIsStored() throws Exception {
    String body = StripeEvents.paymentIntent("evt_bad_1", "payment_intent.succeeded", "pi_bad_1", "succeeded", now())
      .encode();
    String good = Webhook.Signature.generateSignatureHeader(body, PRIMARY, now());

    assertRejected(post(body, Webhook.Signature.generateSignatureHeader(body, "whsec_someone_else", now())), 401);
    String tampered = body.replace("12500", "12501");
    assertThat(tampered).isNotEqualTo(body);
    assertRejected(post(tampered, good), 401);
    String oneByte = body.substring(0, body.length() - 2) + " }";
    assertRejected(post(oneByte, good), 401);
    assertRejected(post(new JsonObject(body).encodePrettily(), good), 401);
    assertRejected(post(body, Webhook.Signature.generateSignatureHeader(body, PRIMARY, now() - 301)), 401);
    assertRejected(post(body, Webhook.Signature.generateSignatureHeader(body, PRIMARY, now() + 301)), 401);
    assertRejected(post(body, null), 401);
    assertRejected(post(body, "t=" + now() + ",v1=" + "ab".repeat(32)), 401);
    assertThat(inbox.db().count("SELECT count(*) FROM webhook_events WHERE event_id = 'evt_bad_1'")).isZero();

    assertThat(post(body, Webhook.Signature.generateSignatureHeader(body, PRIMARY, now() - 290)).statusCode())
      .isEqualTo(200);
  }

  @Test
  void malformedSignatureHeadersAre400() throws Exception {
    String body = StripeEvents.paymentIntent("evt_mal_1", "payment_intent.succeeded", "pi_mal_1", "succeeded", now())
      .encode();
    for (String header : new String[] {"garbage", "t=notanumber,v1=abc", "v1=" + "a".repeat(64), "t=" + now(),
      "t=1,t=2,v1=" + "a".repeat(64)}) {
      assertRejected(post(body, header), 400);
    }
  }

  @Test
  void olderEventNeverRollsAPaymentBack() throws Exception {
    long t = now();
    send(StripeEvents.paymentIntent("evt_ord_2", "payment_intent.succeeded", "pi_ord_1", "succeeded", t));
    HttpResponse<Buffer> older = send(StripeEvents.paymentIntent("evt_ord_1", "payment_intent.payment_failed",
      "pi_ord_1", "requires_payment_method", t - 60));
    HttpResponse<Buffer> sameSecondFailure = send(StripeEvents.paymentIntent("evt_ord_3",
      "payment_intent.payment_failed", "pi_ord_1", "requires_payment_method", t));

    assertThat(older.bodyAsJsonObject().getJsonObject("data").getString("status")).isEqualTo("stale");
    assertThat(sameSecondFailure.bodyAsJsonObject().getJsonObject("data").getString("status")).isEqualTo("stale");
    assertThat(inbox.db().one("SELECT status, version, last_event_id FROM payments WHERE payment_intent_id = 'pi_ord_1'"))
      .isEqualTo(new JsonObject().put("status", "succeeded").put("version", 1).put("last_event_id", "evt_ord_2"));

    send(StripeEvents.paymentIntent("evt_ord_4", "payment_intent.canceled", "pi_ord_2", "canceled", t + 5));
    send(StripeEvents.paymentIntent("evt_ord_5", "payment_intent.payment_failed", "pi_ord_2", "requires_payment_method", t));
    assertThat(inbox.db().one("SELECT status FROM payments WHERE payment_intent_id = 'pi_ord_2'").getString("status"))
      .isEqualTo("canceled");
  }

  @Test
  void aReplayedEventOlderThanItsPaymentEndsStaleWithThePaymentsVersion() throws Exception {
    long t = now();
    inbox.service().server().settings().applyOverrides(new JsonObject().put("webhooks", new JsonObject()
      .put("enabledEvents", new JsonArray().add("payment_intent.succeeded"))));
    try {
      HttpResponse<Buffer> off = send(StripeEvents.paymentIntent("evt_rp_old", "payment_intent.payment_failed",
        "pi_rp", "requires_payment_method", t - 60));
      assertThat(off.bodyAsJsonObject().getJsonObject("data").getString("status")).isEqualTo("ignored");
    } finally {
      inbox.service().server().settings().applyOverrides(new JsonObject());
    }
    send(StripeEvents.paymentIntent("evt_rp_1", "payment_intent.succeeded", "pi_rp", "succeeded", t));
    send(StripeEvents.paymentIntent("evt_rp_2", "payment_intent.canceled", "pi_rp", "canceled", t + 5));

    assertThat(inbox.service().postAsAdmin("/api/webhooks/retry/evt_rp_old").statusCode()).isEqualTo(200);

    await().atMost(Duration.ofSeconds(10)).until(() -> "stale".equals(inbox.db().one(
      "SELECT status FROM webhook_events WHERE event_id = 'evt_rp_old'").getString("status")));
    assertThat(inbox.db().one("SELECT resource_version FROM webhook_events WHERE event_id = 'evt_rp_old'")
      .getInteger("resource_version")).isEqualTo(2);
    assertThat(inbox.db().one("SELECT status, version, last_event_id FROM payments WHERE payment_intent_id = 'pi_rp'"))
      .isEqualTo(new JsonObject().put("status", "canceled").put("version", 2).put("last_event_id", "evt_rp_2"));
  }

  @Test
  void otherEventTypesAreStoredAsIgnoredAnd200() throws Exception {
    JsonObject customer = new JsonObject().put("id", "evt_cus_1").put("object", "event").put("type", "customer.created")
      .put("created", now()).put("livemode", false)
      .put("data", new JsonObject().put("object", new JsonObject().put("id", "cus_1").put("object", "customer")));

    HttpResponse<Buffer> response = send(customer);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getJsonObject("data").getString("status")).isEqualTo("ignored");
    assertThat(inbox.db().one("SELECT status, event_type FROM webhook_events WHERE event_id = 'evt_cus_1'"))
      .isEqualTo(new JsonObject().put("status", "ignored").put("event_type", "customer.created"));
  }

  @Test
  void disputesApplyOnlyWhenEnabledAndWaitForTheirPayment() throws Exception {
    long t = now();
    HttpResponse<Buffer> disabled = send(StripeEvents.dispute("evt_dp_0", "dp_0", "pi_dp_0", t));
    assertThat(disabled.bodyAsJsonObject().getJsonObject("data").getString("status")).isEqualTo("ignored");

    inbox.service().server().settings().applyOverrides(new JsonObject().put("webhooks", new JsonObject()
      .put("enabledEvents", new JsonArray().add("payment_intent.succeeded").add("charge.dispute.created"))));
    try {
      send(StripeEvents.paymentIntent("evt_dp_pay", "payment_intent.succeeded", "pi_dp_1", "succeeded", t));
      HttpResponse<Buffer> dispute = send(StripeEvents.dispute("evt_dp_1", "dp_1", "pi_dp_1", t + 30));
      assertThat(dispute.bodyAsJsonObject().getJsonObject("data").getString("status")).isEqualTo("processed");
      assertThat(inbox.db().one("SELECT dispute->>'id' AS dispute, status, version FROM payments WHERE payment_intent_id = 'pi_dp_1'"))
        .isEqualTo(new JsonObject().put("dispute", "dp_1").put("status", "succeeded").put("version", 2));

      // The dispute stored as ignored while disputes were off, replayed now, applies to its payment; one that
      // names no payment intent can never apply and stays ignored instead of failing to its death.
      send(StripeEvents.paymentIntent("evt_dp_pay0", "payment_intent.succeeded", "pi_dp_0", "succeeded", t));
      assertThat(inbox.service().postAsAdmin("/api/webhooks/retry/evt_dp_0").statusCode()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(10)).until(() -> "processed".equals(inbox.db().one(
        "SELECT status FROM webhook_events WHERE event_id = 'evt_dp_0'").getString("status")));
      JsonObject orphan = StripeEvents.dispute("evt_dp_orphan", "dp_orphan", null, t);
      assertThat(send(orphan).bodyAsJsonObject().getJsonObject("data").getString("status")).isEqualTo("ignored");
      assertThat(inbox.service().postAsAdmin("/api/webhooks/retry/evt_dp_orphan").statusCode()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(10)).until(() -> "ignored".equals(inbox.db().one(
        "SELECT status FROM webhook_events WHERE event_id = 'evt_dp_orphan'").getString("status")));

      // A dispute for a payment not seen yet is stored and retried: 202, and the error names code 5113.
      HttpResponse<Buffer> early = send(StripeEvents.dispute("evt_dp_2", "dp_2", "pi_dp_later", t));
      assertThat(early.statusCode()).isEqualTo(202);
      await().atMost(Duration.ofSeconds(10)).until(() -> inbox.db().one("SELECT last_error FROM webhook_events"
        + " WHERE event_id = 'evt_dp_2'").getString("last_error") != null);
      assertThat(inbox.db().one("SELECT last_error FROM webhook_events WHERE event_id = 'evt_dp_2'").getString("last_error"))
        .contains("5113 payment not found: pi_dp_later");
    } finally {
      inbox.service().server().settings().applyOverrides(new JsonObject());
    }
  }

  @Test
  void signedBodyThatIsNotAStripeEventIs400() throws Exception {
    JsonObject notAnEvent = new JsonObject().put("hello", "world");
    HttpResponse<Buffer> response = send(notAnEvent);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getJsonArray("fieldErrors").encode())
      .contains("/id").contains("/type").contains("/data");

    JsonObject badIntent = StripeEvents.paymentIntent("evt_shape_1", "payment_intent.succeeded", "pi_shape_1",
      "succeeded", now());
    badIntent.getJsonObject("data").getJsonObject("object").put("amount", "lots").remove("currency");
    assertThat(send(badIntent).bodyAsJsonObject().getJsonObject("error").getJsonArray("fieldErrors").encode())
      .contains("/data/object/amount").contains("/data/object/currency");
  }

  @Test
  void numericRuleReasonsNameTheBoundNeverTheValueSent() throws Exception {
    JsonObject negative = StripeEvents.paymentIntent("evt_bound_1", "payment_intent.succeeded", "pi_bound_1",
      "succeeded", now());
    negative.getJsonObject("data").getJsonObject("object").put("amount", -987654321);
    negative.put("created", 123456789012345L);

    HttpResponse<Buffer> response = send(negative);

    assertThat(response.statusCode()).isEqualTo(400);
    String details = response.bodyAsJsonObject().getJsonObject("error").getJsonArray("fieldErrors").encode();
    assertThat(details).contains("{\"field\":\"/data/object/amount\",\"reason\":\"must be at least 0\"}")
      .contains("{\"field\":\"/created\",\"reason\":\"must be at most 99999999999\"}")
      .doesNotContain("987654321").doesNotContain("123456789012345");
  }

  @Test
  void missingSecretIs500WithCode5109(Vertx vertx, TestDatabase database) throws Exception {
    try (TestService unconfigured = TestService.start(vertx, TestService.config(database, new JsonObject()))) {
      String body = StripeEvents.paymentIntent("evt_nosecret", "payment_intent.succeeded", "pi_x", "succeeded", now())
        .encode();
      HttpResponse<Buffer> response = unconfigured.send(unconfigured.client().post(StripeWebhook.PATH),
        Buffer.buffer(body), null, "application/json",
        Map.of("Stripe-Signature", Webhook.Signature.generateSignatureHeader(body, PRIMARY, now())));
      assertThat(response.statusCode()).isEqualTo(500);
      assertThat(response.bodyAsJsonObject().getJsonObject("error").getInteger("code")).isEqualTo(5109);
    }
  }

  @Test
  void unsignedDeliveriesOnlyWhenTheConfigFileSwitchesVerificationOff(Vertx vertx, TestDatabase database) {
    JsonObject event = StripeEvents.paymentIntent("evt_unsigned_1", "payment_intent.succeeded", "pi_unsigned_1",
      "succeeded", now());
    assertThat(post(event.encode(), null).statusCode()).isEqualTo(401);
    try (TestService developer = TestService.startForDevelopment(vertx, database, new JsonObject()
      .put("webhooks", new JsonObject().put("signatureVerification", false)))) {
      HttpResponse<Buffer> accepted = developer.send(developer.client().post(StripeWebhook.PATH), event.toBuffer(),
        null, "application/json", Map.of());
      assertThat(accepted.statusCode()).isEqualTo(200);
    }
  }

  private static HttpResponse<Buffer> send(JsonObject event) throws Exception {
    String body = event.encode();
    return post(body, Webhook.Signature.generateSignatureHeader(body, PRIMARY, now()));
  }

  static HttpResponse<Buffer> post(String body, String signatureHeader) {
    return inbox.service().send(inbox.service().client().post(StripeWebhook.PATH), Buffer.buffer(body.getBytes(StandardCharsets.UTF_8)),
      null, "application/json; charset=utf-8",
      signatureHeader == null ? Map.of() : Map.of("Stripe-Signature", signatureHeader));
  }

  private static void assertRejected(HttpResponse<Buffer> response, int status) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getInteger("code")).isEqualTo(5110);
    assertThat(error.getJsonArray("fieldErrors").getJsonObject(0).getString("field")).isEqualTo("Stripe-Signature");
  }

  private static long now() {
    return Instant.now().getEpochSecond();
  }
}
