package io.webhookinbox.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.StripeEvents;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compiled checks never disagree with the validator of record: over the valid bodies the tests send and every
 * mutation of them (each field removed, and each value replaced by one of many wrong or borderline values: other
 * types, empty, too long, outside the basic plane, whole decimals, bad and odd date-times, out of range), a
 * "certainly valid" is valid and a "certainly not" is invalid (a body the full validator cannot judge, because it
 * throws, counts as invalid). Valid bodies are certainly valid, so they skip the full validator.
 */
class FastSchemaTest {
  private static final List<Object> REPLACEMENTS = List.of("", "x", "P".repeat(65), "P".repeat(300), "🚀🚀🚀",
    "abc\u0000def", "Zürich – 東京 – 🚀", "2026-11-20T10:00:00Z", "2026-11-20t10:00:00z", "2026-11-20T10:00:00+05:30",
    "2026-02-30T10:00:00Z", "2026-11-20T23:59:60Z", "2026-11-20", "yesterday", "2024-02-29T10:00:00Z",
    "2023-02-29T10:00:00Z", "2026-11-20T10:00:00.123456789-03:00", "2026-11-20T10:00:00.1234567890Z",
    "2026-11-20T10:00Z", "2026-11-20T24:00:00Z", "2026-11-20T10:00:00+18:00", "2026-11-20T10:00:00-00:00",
    "2026-11-20T10:00:00.Z", "٢٠٢٦-11-20T10:00:00Z", "2024-02-29", "2026-13-01", "2026-11-20 ", "evt_ok", "pi_123", "dp_1", "EUR", "eur",
    "payment_intent.succeeded", "charge.dispute.created", "OrderCreated", "Created", 0, -1, 7, 99999999999L,
    100000000000L, 1.0, 1.5, new BigDecimal("12345678901234567890"), true, false, new JsonObject(), new JsonArray(),
    new JsonArray().add(1), new JsonObject().put("a", 1));

  @Test
  void theCisiveSchemasChecksAgreeWithTheValidatorOfRecord() {
    SchemaValidator schema = SchemaValidator.fromResource("sources/cisive/order-event.schema.json");
    List<JsonObject> valid = List.of(CisiveEvents.created("evt-1", "ORD-1"),
      CisiveEvents.event("evt-2", "OrderUpdated", "2026-11-20T10:00:00.123+01:00", "ORD-2", "Completed"),
      withOrder(CisiveEvents.created("evt-3", "ORD-3"), order -> order.put("clientReference", "Zürich – 東京 – 🚀")));
    assertAgreement(schema, valid);
  }

  @Test
  void theStripeSchemasChecksAgreeWithTheValidatorOfRecord() {
    SchemaValidator schema = SchemaValidator.fromResource("sources/stripe/event.schema.json");
    List<JsonObject> valid = List.of(
      StripeEvents.paymentIntent("evt_1", "payment_intent.succeeded", "pi_1", "succeeded", 1_700_000_000L),
      StripeEvents.paymentIntent("evt_2", "payment_intent.payment_failed", "pi_2", "requires_payment_method",
        1_700_000_001L),
      StripeEvents.dispute("evt_3", "dp_3", "pi_3", 1_700_000_002L));
    assertAgreement(schema, valid);
  }

  private static void assertAgreement(SchemaValidator schema, List<JsonObject> valid) {
    for (JsonObject body : valid) {
      assertThat(schema.validByTheValidatorOfRecord(body)).as("a valid body %s", body).isTrue();
      assertThat(schema.compiledVerdict(body)).as("a valid body skips the full validator: %s", body)
        .isEqualTo(FastSchema.Verdict.YES);
    }
    List<Object> mutants = new ArrayList<>();
    valid.forEach(body -> mutate(body, body, mutants));
    mutants.addAll(List.of(new JsonArray(), "text", 1, new JsonObject()));
    int invalid = 0;
    for (Object mutant : mutants) {
      boolean ofRecord = schema.validByTheValidatorOfRecord(mutant);
      invalid += ofRecord ? 0 : 1;
      FastSchema.Verdict verdict = schema.compiledVerdict(mutant);
      if (verdict != FastSchema.Verdict.UNSURE) {
        assertThat(ofRecord).as("certain (%s), so the same: %s", verdict, mutant)
          .isEqualTo(verdict == FastSchema.Verdict.YES);
      }
    }
    assertThat(mutants).hasSizeGreaterThan(300);
    assertThat(invalid).as("the corpus holds many invalid bodies").isGreaterThan(100);
  }

  /** Every body that differs from {@code root} at one place of {@code node}: a field removed or a value replaced. */
  private static void mutate(JsonObject root, Object node, List<Object> into) {
    if (node instanceof JsonObject object) {
      for (String field : List.copyOf(object.fieldNames())) {
        Object original = object.getValue(field);
        object.remove(field);
        into.add(root.copy());
        for (Object replacement : REPLACEMENTS) {
          object.put(field, replacement);
          into.add(root.copy());
        }
        object.put(field, original);
        mutate(root, original, into);
      }
    } else if (node instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        Object original = array.getValue(i);
        for (Object replacement : REPLACEMENTS) {
          array.set(i, replacement);
          into.add(root.copy());
        }
        array.set(i, original);
        mutate(root, original, into);
      }
    }
  }

  private static JsonObject withOrder(JsonObject event, Consumer<JsonObject> change) {
    change.accept(event.getJsonObject("order"));
    return event;
  }
}
