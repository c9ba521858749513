package io.webhookinbox.config;

import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Signing secrets of the webhook sources, read at start-up. Several secrets may be configured for rotation: a
 * delivery signed with any of them passes.
 *
 * @param stripeSecrets      Stripe endpoint secrets ({@code whsec_…}); none means Stripe deliveries get 500/5109
 * @param stripeToleranceSeconds how far a {@code Stripe-Signature} timestamp may be from now, either way
 * @param cisiveSecrets      Standard Webhooks secrets for Cisive ({@code whsec_<base64>}); any turns checking on
 * @param cisiveToleranceSeconds the same for {@code webhook-timestamp}
 * @param cisiveMaxFutureSkewSeconds how far a Cisive {@code occurredAt} may lie ahead of this replica's clock: an
 *                               event from the future would win every comparison until then and freeze its order
 */
public record SourcesConfig(List<String> stripeSecrets, int stripeToleranceSeconds, List<String> cisiveSecrets,
                            int cisiveToleranceSeconds, int cisiveMaxFutureSkewSeconds) {
  static SourcesConfig from(JsonObject root) {
    JsonObject stripe = Json.section(root, "stripe");
    JsonObject cisive = Json.section(root, "cisive");
    return new SourcesConfig(
      Json.strings(stripe, "stripe.", "webhookSecrets"),
      Json.integer(stripe, "stripe.", "toleranceSeconds", 300, 1, 86_400),
      Json.strings(cisive, "cisive.", "webhookSecrets"),
      Json.integer(cisive, "cisive.", "toleranceSeconds", 300, 1, 86_400),
      Json.integer(cisive, "cisive.", "maxFutureSkewSeconds", 300, 0, 86_400));
  }

  public boolean cisiveSignatures() {
    return !cisiveSecrets.isEmpty();
  }

  @Override
  public String toString() {
    return "SourcesConfig[stripeSecrets=" + stripeSecrets.size() + ", stripeToleranceSeconds=" + stripeToleranceSeconds
      + ", cisiveSecrets=" + cisiveSecrets.size() + ", cisiveToleranceSeconds=" + cisiveToleranceSeconds
      + ", cisiveMaxFutureSkewSeconds=" + cisiveMaxFutureSkewSeconds + "]";
  }
}
