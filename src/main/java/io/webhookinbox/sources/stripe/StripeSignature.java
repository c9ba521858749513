package io.webhookinbox.sources.stripe;

import io.webhookinbox.api.ApiError;
import io.webhookinbox.api.ErrorCode;
import io.webhookinbox.api.FieldError;
import io.webhookinbox.security.Hmac;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]}: HMAC-SHA256 with the endpoint secret (the whole
 * {@code whsec_…} string) over {@code "<t>.<raw body bytes>"}. Any v1 under any configured secret passes (rotation);
 * comparisons are constant-time; a timestamp further than the tolerance from now, in either direction, fails.
 */
public final class StripeSignature {
  public static final String HEADER = "Stripe-Signature";

  private StripeSignature() {
  }

  /** Throws 401 (bad or stale signature), 400 (malformed header) or 500/5109 (no secret configured). */
  public static void verify(String header, byte[] body, List<String> secrets, long toleranceSeconds, long nowSeconds) {
    if (secrets.isEmpty()) {
      throw ApiError.of(ErrorCode.SECRET_NOT_CONFIGURED);
    }
    if (header == null || header.isBlank()) {
      throw rejected(401, "missing");
    }
    String timestamp = null;
    List<byte[]> signatures = new ArrayList<>();
    for (String element : header.split(",")) {
      String[] pair = element.trim().split("=", 2);
      if (pair.length != 2) {
        throw rejected(400, "malformed: expected t=<seconds>,v1=<hex>");
      }
      if (pair[0].equals("t")) {
        if (timestamp != null || !pair[1].matches("\\d{1,12}")) {
          throw rejected(400, "malformed: t must appear once, as unix seconds");
        }
        timestamp = pair[1];
      } else if (pair[0].equals("v1")) {
        signatures.add(hexOrNull(pair[1]));
      }
      // Other schemes (v0, future ones) are ignored, as Stripe's own libraries do.
    }
    if (timestamp == null || signatures.isEmpty()) {
      throw rejected(400, "malformed: needs t and at least one v1");
    }
    if (Math.abs(nowSeconds - Long.parseLong(timestamp)) > toleranceSeconds) {
      throw rejected(401, "timestamp is outside the " + toleranceSeconds + " s tolerance");
    }
    byte[] prefix = (timestamp + ".").getBytes(StandardCharsets.US_ASCII);
    for (String secret : secrets) {
      byte[] expected = Hmac.sha256(secret.getBytes(StandardCharsets.UTF_8), prefix, body);
      for (byte[] candidate : signatures) {
        if (Hmac.same(expected, candidate)) {
          return;
        }
      }
    }
    throw rejected(401, "no v1 signature matches");
  }

  private static byte[] hexOrNull(String value) {
    try {
      return HexFormat.of().parseHex(value);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static ApiError rejected(int status, String reason) {
    return new ApiError(ErrorCode.INVALID_SIGNATURE, status, ErrorCode.INVALID_SIGNATURE.defaultMessage(),
      List.of(new FieldError(HEADER, reason)), null);
  }
}
