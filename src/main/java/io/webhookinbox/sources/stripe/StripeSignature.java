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

  /** What the header says: the signed timestamp and the candidate signatures (null entries: not hex). */
  public record Header(String timestamp, List<byte[]> signatures) {
  }

  /**
   * Checks the header alone, before the body is read: 401 when it is missing or its timestamp is outside the
   * tolerance, 400 when it is malformed.
   */
  public static Header parse(String header, long toleranceSeconds, long nowSeconds) {
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
    return new Header(timestamp, List.copyOf(signatures));
  }

  /** Throws 401 unless one of the header's signatures is the body's under one of the secrets. */
  public static void verify(Header header, byte[] body, List<String> secrets) {
    byte[] prefix = (header.timestamp() + ".").getBytes(StandardCharsets.US_ASCII);
    for (String secret : secrets) {
      byte[] expected = Hmac.sha256(secret.getBytes(StandardCharsets.UTF_8), prefix, body);
      for (byte[] candidate : header.signatures()) {
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
