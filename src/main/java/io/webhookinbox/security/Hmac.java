package io.webhookinbox.security;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/** HMAC-SHA256 over the exact bytes received, compared in constant time. */
public final class Hmac {
  /** One Mac per thread: getInstance walks the security providers on every call; init with a key is cheap. */
  private static final ThreadLocal<Mac> HMAC_SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return Mac.getInstance("HmacSHA256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  });

  private Hmac() {
  }

  public static byte[] sha256(byte[] key, byte[]... parts) {
    try {
      Mac mac = HMAC_SHA256.get();
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      for (byte[] part : parts) {
        mac.update(part);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 rejected the key", e);
    }
  }

  /** Constant-time: the time taken does not depend on where the first difference is. */
  public static boolean same(byte[] expected, byte[] candidate) {
    return candidate != null && MessageDigest.isEqual(expected, candidate);
  }
}
