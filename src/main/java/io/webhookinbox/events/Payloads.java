package io.webhookinbox.events;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Payload fingerprints. */
public final class Payloads {
  /** One digest per thread: getInstance walks the security providers on every call. */
  private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  });
  private static final HexFormat HEX = HexFormat.of();

  private Payloads() {
  }

  public static String sha256Hex(byte[] bytes) {
    // digest() resets the instance, so the next caller on this thread starts clean.
    return HEX.formatHex(SHA_256.get().digest(bytes));
  }
}
