package io.webhookinbox.security;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The usable signing keys of one JWKS document, by {@code kid}. A key is kept only when it has a {@code kid}, is
 * for signatures ({@code use} absent or {@code sig}), is RSA (at least 2048 bits) or EC on the curve of its
 * algorithm, carries no private part, and its algorithm (given, or RS256 / the curve's ES one when absent) is on
 * the allow-list. Symmetric keys are never taken from a URL. Each kept key is reduced to its public members.
 */
record JwkSet(Map<String, JsonObject> byKid, int ignored) {
  static final JwkSet EMPTY = new JwkSet(Map.of(), 0);
  static final int MAX_KEYS = 100;
  private static final Map<String, String> CURVE_ALGORITHM = Map.of("P-256", "ES256", "P-384", "ES384", "P-521", "ES512");
  private static final Map<String, String> CURVE_NAME = Map.of("P-256", "secp256r1", "P-384", "secp384r1", "P-521", "secp521r1");

  boolean has(String kid) {
    return byKid.containsKey(kid);
  }

  boolean isEmpty() {
    return byKid.isEmpty();
  }

  /** @throws IllegalArgumentException when the body is not a JWKS document */
  static JwkSet parse(Buffer body, List<String> allowedAlgorithms) {
    JsonArray keys;
    try {
      keys = new JsonObject(body).getJsonArray("keys");
    } catch (RuntimeException notJson) {
      throw new IllegalArgumentException("response is not a JWKS document (JSON object with a keys array)");
    }
    if (keys == null) {
      throw new IllegalArgumentException("response is not a JWKS document (JSON object with a keys array)");
    }
    Map<String, JsonObject> byKid = new LinkedHashMap<>();
    int ignored = 0;
    for (Object entry : keys) {
      JsonObject usable = entry instanceof JsonObject jwk && byKid.size() < MAX_KEYS ? usable(jwk, allowedAlgorithms) : null;
      if (usable == null || byKid.putIfAbsent(usable.getString("kid"), usable) != null) {
        ignored++;
      }
    }
    return new JwkSet(Map.copyOf(byKid), ignored);
  }

  /** The key's public members with its algorithm made explicit, or null when it must not be used. */
  private static JsonObject usable(JsonObject jwk, List<String> allowed) {
    String kid = text(jwk, "kid");
    String use = text(jwk, "use");
    String kty = text(jwk, "kty");
    if (kid == null || kid.length() > 256 || jwk.containsKey("d") || (use != null && !use.equals("sig")) || kty == null) {
      return null;
    }
    try {
      if (kty.equals("RSA")) {
        String alg = jwk.getValue("alg") == null ? "RS256" : text(jwk, "alg");
        if (alg == null || !(alg.startsWith("RS") || alg.startsWith("PS")) || !allowed.contains(alg)) {
          return null;
        }
        BigInteger modulus = new BigInteger(1, base64Url(jwk, "n"));
        KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(modulus, new BigInteger(1, base64Url(jwk, "e"))));
        return modulus.bitLength() < 2048 ? null : new JsonObject().put("kty", kty).put("kid", kid).put("alg", alg)
          .put("n", text(jwk, "n")).put("e", text(jwk, "e"));
      }
      if (kty.equals("EC")) {
        String crv = text(jwk, "crv");
        String curveAlgorithm = crv == null ? null : CURVE_ALGORITHM.get(crv);
        String alg = jwk.getValue("alg") == null ? curveAlgorithm : text(jwk, "alg");
        if (curveAlgorithm == null || !curveAlgorithm.equals(alg) || !allowed.contains(alg)) {
          return null;
        }
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec(CURVE_NAME.get(crv)));
        ECPoint point = new ECPoint(new BigInteger(1, base64Url(jwk, "x")), new BigInteger(1, base64Url(jwk, "y")));
        KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, parameters.getParameterSpec(ECParameterSpec.class)));
        return new JsonObject().put("kty", kty).put("kid", kid).put("alg", alg).put("crv", crv)
          .put("x", text(jwk, "x")).put("y", text(jwk, "y"));
      }
    } catch (GeneralSecurityException | IllegalArgumentException unusable) {
      return null;
    }
    return null;
  }

  private static String text(JsonObject jwk, String member) {
    Object value = jwk.getValue(member);
    return value instanceof String text && !text.isEmpty() ? text : null;
  }

  private static byte[] base64Url(JsonObject jwk, String member) {
    String value = text(jwk, member);
    if (value == null) {
      throw new IllegalArgumentException("missing " + member);
    }
    return Base64.getUrlDecoder().decode(value);
  }

  /** The keys as vertx-auth-jwt takes them. */
  List<JsonObject> jwks() {
    return new ArrayList<>(byKid.values());
  }
}
