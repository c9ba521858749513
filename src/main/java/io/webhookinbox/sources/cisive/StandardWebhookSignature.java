package io.webhookinbox.sources.cisive;

import io.webhookinbox.api.ApiError;
import io.webhookinbox.api.ErrorCode;
import io.webhookinbox.api.FieldError;
import io.webhookinbox.security.Hmac;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The Standard Webhooks scheme (standardwebhooks.com): headers {@code webhook-id}, {@code webhook-timestamp} and
 * {@code webhook-signature} (space-separated {@code v1,<base64>} entries), HMAC-SHA256 over
 * {@code "<id>.<timestamp>.<body>"} with the base64 key after {@code whsec_}. Any entry under any key passes.
 */
public final class StandardWebhookSignature {
  public static final String ID = "webhook-id";
  public static final String TIMESTAMP = "webhook-timestamp";
  public static final String SIGNATURE = "webhook-signature";
  private static final String PREFIX = "whsec_";

  private final List<byte[]> keys;
  private final long toleranceSeconds;

  private StandardWebhookSignature(List<byte[]> keys, long toleranceSeconds) {
    this.keys = keys;
    this.toleranceSeconds = toleranceSeconds;
  }

  /** Decodes the configured secrets once; a secret that is not {@code whsec_<base64>} stops start-up. */
  public static StandardWebhookSignature of(List<String> secrets, long toleranceSeconds) {
    List<byte[]> keys = new ArrayList<>();
    for (int i = 0; i < secrets.size(); i++) {
      String secret = secrets.get(i);
      byte[] key;
      try {
        key = Base64.getDecoder().decode(secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("cisive.webhookSecrets[" + i + "] is not whsec_<base64>");
      }
      if (key.length == 0) {
        throw new IllegalArgumentException("cisive.webhookSecrets[" + i + "] is empty");
      }
      keys.add(key);
    }
    return new StandardWebhookSignature(List.copyOf(keys), toleranceSeconds);
  }

  /** The signed id and timestamp and the candidate signatures (null entries: not base64). */
  public record Headers(String id, String timestamp, List<byte[]> signatures) {
  }

  /**
   * Checks the headers alone, before the body is read: 401 for a missing header or a stale timestamp, 400 for a
   * malformed one.
   */
  public Headers parse(String id, String timestamp, String signatures, long nowSeconds) {
    for (String[] header : new String[][] {{ID, id}, {TIMESTAMP, timestamp}, {SIGNATURE, signatures}}) {
      if (header[1] == null || header[1].isBlank()) {
        throw rejected(401, header[0], "missing");
      }
    }
    if (!timestamp.matches("\\d{1,12}")) {
      throw rejected(400, TIMESTAMP, "malformed: must be unix seconds");
    }
    if (Math.abs(nowSeconds - Long.parseLong(timestamp)) > toleranceSeconds) {
      throw rejected(401, TIMESTAMP, "outside the " + toleranceSeconds + " s tolerance");
    }
    List<byte[]> candidates = new ArrayList<>();
    for (String entry : signatures.trim().split(" +")) {
      String[] parts = entry.split(",", 2);
      if (parts.length != 2) {
        throw rejected(400, SIGNATURE, "malformed: expected space-separated v1,<base64> entries");
      }
      if (parts[0].equals("v1")) {
        candidates.add(base64OrNull(parts[1]));
      }
    }
    if (candidates.isEmpty()) {
      throw rejected(400, SIGNATURE, "malformed: no v1 entry");
    }
    return new Headers(id, timestamp, List.copyOf(candidates));
  }

  /** Throws 401 unless one of the signatures is the body's under one of the keys. */
  public void verify(Headers headers, byte[] body) {
    byte[] prefix = (headers.id() + "." + headers.timestamp() + ".").getBytes(StandardCharsets.UTF_8);
    for (byte[] key : keys) {
      byte[] expected = Hmac.sha256(key, prefix, body);
      for (byte[] candidate : headers.signatures()) {
        if (Hmac.same(expected, candidate)) {
          return;
        }
      }
    }
    throw rejected(401, SIGNATURE, "no v1 signature matches");
  }

  private static byte[] base64OrNull(String value) {
    try {
      return Base64.getDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static ApiError rejected(int status, String header, String reason) {
    return new ApiError(ErrorCode.INVALID_SIGNATURE, status, ErrorCode.INVALID_SIGNATURE.defaultMessage(),
      List.of(new FieldError(header, reason)), null);
  }
}
