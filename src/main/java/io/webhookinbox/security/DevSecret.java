package io.webhookinbox.security;

import io.webhookinbox.config.AppConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * When no JWT key is configured at all, a random HS256 secret is created in a local file (shared by the server and
 * the {@code token} command) instead of shipping a well-known default. Production sets real keys.
 */
public final class DevSecret {
  private static final Logger LOG = LoggerFactory.getLogger(DevSecret.class);

  private DevSecret() {
  }

  public static AppConfig applyIfNoKeys(AppConfig config) {
    if (!config.jwt().hmacSecret().isEmpty() || !config.jwt().publicKeys().isEmpty() || config.jwt().jwks().enabled()) {
      return config;
    }
    Path file = config.devSecretFile();
    String secret = readOrCreate(file);
    LOG.warn("No JWT key configured: using the development HS256 secret in {}; set JWT_JWKS_URL, JWT_PUBLIC_KEYS or JWT_HMAC_SECRET in production",
      file);
    return config.withJwt(config.jwt().withHmacSecret(secret));
  }

  private static String readOrCreate(Path file) {
    try {
      if (Files.exists(file)) {
        return Files.readString(file, StandardCharsets.US_ASCII).trim();
      }
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Files.writeString(file, secret + "\n", StandardCharsets.US_ASCII);
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      }
      return secret;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read or create the development JWT secret " + file, e);
    }
  }
}
