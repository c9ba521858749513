package io.webhookinbox.support;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JWKS endpoint on loopback, as an identity provider serves it: keys are published and withdrawn while the
 * service runs, every request is counted, and it can fail the ways an IdP does (503, a huge body, no answer).
 */
public final class IdentityProvider implements AutoCloseable {
  public enum Mode { UP, DOWN, HUGE, SILENT }

  private final HttpServer server;
  private final Map<String, JsonObject> published = new ConcurrentHashMap<>();
  private final AtomicInteger requests = new AtomicInteger();
  private volatile long lastRequestNanos = System.nanoTime();
  private volatile Mode mode = Mode.UP;

  private IdentityProvider(Vertx vertx) {
    server = vertx.createHttpServer().requestHandler(request -> {
      requests.incrementAndGet();
      lastRequestNanos = System.nanoTime();
      switch (mode) {
        case UP -> request.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("keys", new JsonArray(List.copyOf(published.values()))).encode());
        case DOWN -> request.response().setStatusCode(503).end("maintenance");
        case HUGE -> request.response().putHeader("Content-Type", "application/json").setChunked(true)
          .end(Buffer.buffer("{\"keys\":[],\"padding\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}"));
        case SILENT -> { } // never answers
      }
    });
  }

  public static IdentityProvider start(Vertx vertx) {
    IdentityProvider idp = new IdentityProvider(vertx);
    idp.server.listen(0, "127.0.0.1").await();
    return idp;
  }

  public String jwksUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/.well-known/jwks.json";
  }

  public int requests() {
    return requests.get();
  }

  public double secondsSinceLastRequest() {
    return (System.nanoTime() - lastRequestNanos) / 1e9;
  }

  public void mode(Mode mode) {
    this.mode = mode;
  }

  public void publish(SigningKey key) {
    published.put(key.kid(), key.jwk());
  }

  /** Any JWK member set, as a misconfigured IdP might publish it. */
  public void publishRaw(JsonObject jwk) {
    published.put(jwk.getString("kid"), jwk);
  }

  public void withdraw(String kid) {
    published.remove(kid);
  }

  @Override
  public void close() {
    server.close().await();
  }

  /** A key pair with its public JWK; signs tokens the way the IdP would. */
  public record SigningKey(String kid, String alg, KeyPair pair, JsonObject jwk) {
    public static SigningKey rsa(String kid) {
      return rsa(kid, 2048);
    }

    public static SigningKey rsa(String kid, int bits) {
      KeyPair pair = generate("RSA", bits);
      RSAPublicKey key = (RSAPublicKey) pair.getPublic();
      return new SigningKey(kid, "RS256", pair, new JsonObject().put("kty", "RSA").put("kid", kid).put("use", "sig")
        .put("alg", "RS256").put("n", base64Url(key.getModulus())).put("e", base64Url(key.getPublicExponent())));
    }

    public static SigningKey ec(String kid) {
      KeyPair pair = generate("EC", 0);
      ECPublicKey key = (ECPublicKey) pair.getPublic();
      // No alg: a JWKS may leave it out; the curve decides (P-256 → ES256).
      return new SigningKey(kid, "ES256", pair, new JsonObject().put("kty", "EC").put("kid", kid).put("use", "sig")
        .put("crv", "P-256").put("x", base64Url(key.getW().getAffineX(), 32)).put("y", base64Url(key.getW().getAffineY(), 32)));
    }

    /** A token with the test issuer and audience and this key's kid in its header, valid for 5 minutes. */
    public String sign(Vertx vertx, String subject, String scope) {
      return signer(vertx, kid).generateToken(new JsonObject().put("scope", scope), claims(subject));
    }

    /** The same, with no kid in the header. */
    public String signWithoutKid(Vertx vertx, String subject, String scope) {
      return signer(vertx, null).generateToken(new JsonObject().put("scope", scope), claims(subject));
    }

    /** Signed by this key but naming another kid. */
    public String signAs(Vertx vertx, String otherKid, String subject, String scope) {
      return signer(vertx, otherKid).generateToken(new JsonObject().put("scope", scope), claims(subject));
    }

    private JWTOptions claims(String subject) {
      return new JWTOptions().setAlgorithm(alg).setIssuer(TestService.ISSUER).setAudience(List.of(TestService.AUDIENCE))
        .setSubject(subject).setExpiresInSeconds(300);
    }

    private JWTAuth signer(Vertx vertx, String headerKid) {
      String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
      return JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm(alg)
        .setBuffer(pem).setId(headerKid)));
    }

    private static KeyPair generate(String type, int bits) {
      try {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(type);
        if (type.equals("EC")) {
          generator.initialize(new ECGenParameterSpec("secp256r1"));
        } else {
          generator.initialize(bits);
        }
        return generator.generateKeyPair();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    private static String base64Url(BigInteger value) {
      byte[] bytes = value.toByteArray();
      return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes[0] == 0 && bytes.length > 1
        ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes);
    }

    /** Fixed-length big-endian, as RFC 7518 requires for EC coordinates. */
    private static String base64Url(BigInteger value, int length) {
      byte[] bytes = value.toByteArray();
      byte[] fixed = new byte[length];
      int copy = Math.min(bytes.length, length);
      System.arraycopy(bytes, bytes.length - copy, fixed, length - copy, copy);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(fixed);
    }
  }
}
