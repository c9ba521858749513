package io.webhookinbox.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a replica refuses to start with outside development (development: no database configured, the embedded
 * one): secrets that are placeholders or too short to resist guessing (each secret setting says what it needs), no
 * key to verify tokens with, and deliveries accepted without the signature that is their endpoint's only
 * authentication. Each problem names the setting and its environment variable.
 */
public final class ProductionSafety {
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
      problems.add("no key to verify tokens with: set " + JwksConfig.URL.named() + ", "
        + JwtConfig.PUBLIC_KEYS.named() + " or " + JwtConfig.HMAC_SECRET.named());
    }
    problems.addAll(config.registry().secretProblems(config.root()));
    if (!RuntimeSettings.signaturesRequiredMet(config.runtime(), config.registry())) {
      problems.add(RuntimeSettings.SIGNATURES_REQUIRED);
    }
    return problems;
  }

  /** Whether a secret reads like a placeholder someone forgot to replace. */
  public static boolean placeholder(String value) {
    String lower = value.toLowerCase(Locale.ROOT);
    return PLACEHOLDERS.stream().anyMatch(lower::contains);
  }
}
