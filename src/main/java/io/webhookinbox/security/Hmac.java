package io.webhookinbox.security;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/** HMAC-SHA256 over the exact bytes received, compared in constant time. */
public final class Hmac {
  private Hmac() {
  }

  public static byte[] sha256(byte[] key, byte[]... parts) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      for (byte[] part : parts) {
        mac.update(part);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }

  /** Constant-time: the time taken does not depend on where the first difference is. */
  public static boolean same(byte[] expected, byte[] candidate) {
    return candidate != null && MessageDigest.isEqual(expected, candidate);
  }
}
