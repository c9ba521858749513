package io.webhookinbox.config;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a replica refuses to start with outside development (development: no database configured, the embedded
 * one): secrets that are placeholders or too short to resist guessing, no key to verify tokens with, and Stripe
 * deliveries accepted without their signature (the signature is that endpoint's only authentication). Each problem
 * names the setting and its environment variable.
 */
public final class ProductionSafety {
  /** HS256 keys shorter than the hash (RFC 7518, 3.2) can be brute-forced from one token. */
  static final int MIN_HMAC_SECRET_BYTES = 32;
  /** Stripe's own secrets carry 32 random characters after {@code whsec_}. */
  static final int MIN_STRIPE_SECRET_CHARS = 24;
  /** Standard Webhooks asks for keys of 24 to 64 bytes. */
  static final int MIN_CISIVE_KEY_BYTES = 24;
  private static final List<String> PLACEHOLDERS = List.of("change", "replace", "example", "placeholder", "dummy",
    "secret_here", "your_");

  private ProductionSafety() {
  }

  /** Throws naming every problem; does nothing in development. */
  public static void require(AppConfig config) {
    List<String> problems = problems(config);
    if (!problems.isEmpty()) {
      throw new IllegalStateException("Refusing to start outside development: " + String.join("; ", problems));
    }
  }

  static List<String> problems(AppConfig config) {
    if (config.development()) {
      return List.of();
    }
    List<String> problems = new ArrayList<>();
    JwtConfig jwt = config.jwt();
    if (jwt.hmacSecret().isEmpty() && jwt.publicKeys().isEmpty() && !jwt.jwks().enabled()) {
      problems.add("no key to verify tokens with: set jwt.jwksUrl (JWT_JWKS_URL), jwt.publicKeys (JWT_PUBLIC_KEYS)"
        + " or jwt.hmacSecret (JWT_HMAC_SECRET)");
    }
    String hmac = jwt.hmacSecret();
    if (!hmac.isEmpty() && (hmac.getBytes(StandardCharsets.UTF_8).length < MIN_HMAC_SECRET_BYTES || placeholder(hmac))) {
      problems.add(setting("jwt.hmacSecret") + " must be at least " + MIN_HMAC_SECRET_BYTES
        + " bytes of random data, not a placeholder");
    }
    List<String> stripe = config.sources().stripeSecrets();
    for (int i = 0; i < stripe.size(); i++) {
      String secret = stripe.get(i);
      String random = secret.startsWith("whsec_") ? secret.substring("whsec_".length()) : secret;
      if (random.length() < MIN_STRIPE_SECRET_CHARS || placeholder(random)) {
        problems.add(setting("stripe.webhookSecrets") + " entry " + (i + 1) + " is a placeholder or shorter than "
          + MIN_STRIPE_SECRET_CHARS + " characters after whsec_: use the endpoint secret Stripe shows");
      }
    }
    List<String> cisive = config.sources().cisiveSecrets();
    for (int i = 0; i < cisive.size(); i++) {
      if (decodedLength(cisive.get(i)) < MIN_CISIVE_KEY_BYTES) {
        problems.add(setting("cisive.webhookSecrets") + " entry " + (i + 1) + " must be whsec_ and at least "
          + MIN_CISIVE_KEY_BYTES + " bytes of base64-encoded random data");
      }
    }
    if (placeholder(config.database().password())) {
      problems.add(setting("database.password") + " is a placeholder");
    }
    if (!RuntimeSettings.signaturesRequiredMet(config.runtime())) {
      problems.add(RuntimeSettings.SIGNATURES_REQUIRED);
    }
    return problems;
  }

  private static boolean placeholder(String value) {
    String lower = value.toLowerCase(Locale.ROOT);
    return PLACEHOLDERS.stream().anyMatch(lower::contains);
  }

  private static int decodedLength(String secret) {
    try {
      return Base64.getDecoder().decode(secret.startsWith("whsec_") ? secret.substring(6) : secret).length;
    } catch (IllegalArgumentException e) {
      return 0;
    }
  }

  /** {@code key (ENV_VAR)}, or the key alone when no variable sets it. */
  static String setting(String key) {
    return EnvOverrides.KEYS.entrySet().stream().filter(entry -> entry.getValue().equals(key))
      .map(Map.Entry::getKey).findFirst().map(env -> key + " (" + env + ")").orElse(key);
  }
}
