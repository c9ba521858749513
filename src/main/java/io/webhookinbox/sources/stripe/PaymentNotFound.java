package io.webhookinbox.sources.stripe;

/**
 * A dispute for a payment intent not stored yet (its events may still be on their way): the event is retried with
 * backoff like any failed apply. The message starts with error code 5113, which operators see in {@code last_error}.
 */
final class PaymentNotFound extends RuntimeException {
  PaymentNotFound(String paymentIntentId) {
    super("5113 payment not found: " + paymentIntentId, null, false, false);
  }
}
