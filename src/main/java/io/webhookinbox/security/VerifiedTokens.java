package io.webhookinbox.security;

import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tokens whose signature one HTTP verticle has verified, the most recently used kept: a sender sends many
 * deliveries with one token, and checking its signature and reading it again took a fifth of a delivery's CPU
 * (profiled). Only the signature check is remembered; time, issuer and audience are checked again on every use.
 * All are forgotten when the keys that verify tokens change (a JWKS fetch brought another key set), so a withdrawn
 * key stops working when it would without this. Used from one event loop: no locking.
 */
final class VerifiedTokens {
  /** What a verified token said, and who it makes the caller. */
  record Verified(JsonObject claims, Principal principal) {
  }

  private final Map<String, Verified> tokens;
  private Object keys;

  VerifiedTokens(int capacity) {
    this.tokens = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Verified> eldest) {
        return size() > capacity;
      }
    };
  }

  /** @param currentKeys the key set tokens are verified with now (compared by identity) */
  Verified get(String token, Object currentKeys) {
    if (currentKeys != keys) {
      tokens.clear();
      keys = currentKeys;
      return null;
    }
    return tokens.get(token);
  }

  /** @param keysBefore the key set when verification began: a token verified under an older set is not kept */
  void put(String token, Verified verified, Object keysBefore) {
    if (keysBefore == keys) {
      tokens.put(token, verified);
    }
  }

  void forget(String token) {
    tokens.remove(token);
  }
}
