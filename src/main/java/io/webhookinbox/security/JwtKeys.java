package io.webhookinbox.security;

import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.webhookinbox.config.JwtConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Turns {@link JwtConfig} into the configured verification keys (none when only a JWKS URL is set). Each key is registered only for algorithms on the allow-list,
 * so a token signed with any other algorithm (including {@code none}) finds no key and fails.
 */
final class JwtKeys {
  private JwtKeys() {
  }

  static JWTAuthOptions options(JwtConfig config) {
    List<PubSecKeyOptions> keys = new ArrayList<>();
    if (!config.hmacSecret().isEmpty()) {
      for (String algorithm : config.algorithms()) {
        if (algorithm.startsWith("HS")) {
          keys.add(new PubSecKeyOptions().setAlgorithm(algorithm).setBuffer(config.hmacSecret()));
        }
      }
    }
    for (String entry : config.publicKeys()) {
      keys.addAll(publicKey(entry, config.algorithms()));
    }
    if (keys.isEmpty() && !config.jwks().enabled()) {
      throw new IllegalStateException("No JWT verification key for the allowed algorithms " + config.algorithms()
        + ": set JWT_JWKS_URL, JWT_PUBLIC_KEYS (RS256/ES256 PEM files) or JWT_HMAC_SECRET (HS256)");
    }
    return new JWTAuthOptions().setPubSecKeys(keys);
  }

  /** One configured key: {@code path} or {@code kid=path}; RSA keys serve RS and PS algorithms, EC keys the ES one of their curve. */
  private static List<PubSecKeyOptions> publicKey(String entry, List<String> allowed) {
    String kid = null;
    String path = entry;
    int equals = entry.indexOf('=');
    if (equals > 0) {
      kid = entry.substring(0, equals);
      path = entry.substring(equals + 1);
    }
    String pem = read(Path.of(path));
    PublicKey key = parse(pem, path);
    List<PubSecKeyOptions> keys = new ArrayList<>();
    for (String algorithm : allowed) {
      if (suits(key, algorithm)) {
        keys.add(new PubSecKeyOptions().setAlgorithm(algorithm).setBuffer(pem).setId(kid));
      }
    }
    if (keys.isEmpty()) {
      throw new IllegalStateException("JWT public key " + path + " (" + key.getAlgorithm()
        + ") matches none of the allowed algorithms " + allowed);
    }
    return keys;
  }

  private static boolean suits(PublicKey key, String algorithm) {
    if (key instanceof ECPublicKey ec) {
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      return algorithm.equals(switch (bits) {
        case 256 -> "ES256";
        case 384 -> "ES384";
        default -> "ES512";
      });
    }
    return "RSA".equals(key.getAlgorithm()) && (algorithm.startsWith("RS") || algorithm.startsWith("PS"));
  }

  private static PublicKey parse(String pem, String path) {
    String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    byte[] der;
    try {
      der = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("JWT public key " + path + " is not a PEM file", e);
    }
    for (String type : new String[] {"RSA", "EC"}) {
      try {
        return KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next key type
      }
    }
    throw new IllegalStateException("JWT public key " + path + " is neither an RSA nor an EC public key");
  }

  private static String read(Path path) {
    try {
      return Files.readString(path, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read JWT public key " + path, e);
    }
  }
}
