package io.webhookinbox.support;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.time.Duration;

/**
 * A sender and a prober for a service started as a process ({@link ServiceProcess}): the environment that points
 * it at a database, tokens signed with the shared test secret, and plain JDK HTTP calls that report a failed
 * connection as status -1 instead of throwing.
 */
public final class ProcessClient implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions()
    .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(TestService.SECRET)));
  // HTTP/1.1 as senders use it: the JDK client would otherwise upgrade to HTTP/2 and multiplex on one connection.
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
    .connectTimeout(Duration.ofSeconds(2)).build();
  private final int[] ports = TestService.freePorts(2);
  private final int port = ports[0];
  private final int managementPort = ports[1];

  /** The service's environment: this client's port, {@code db} reached at {@code host:dbPort}, plus {@code extra}. */
  public Map<String, String> environment(TestDatabase db, String host, int dbPort, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(Map.of("HTTP_PORT", String.valueOf(port), "PG_HOST", host,
      "PG_PORT", String.valueOf(dbPort), "PG_DATABASE", db.name(), "PG_USER", db.user(),
      "PG_PASSWORD", db.password(), "DB_MIGRATE_ON_START", "false", "JWT_HMAC_SECRET", TestService.SECRET,
      "JWT_ISSUER", TestService.ISSUER, "JWT_AUDIENCE", TestService.AUDIENCE));
    env.put("MANAGEMENT_PORT", String.valueOf(managementPort));
    env.putAll(extra);
    return env;
  }

  public Map<String, String> environment(TestDatabase db, Map<String, String> extra) {
    return environment(db, db.host(), db.port(), extra);
  }

  public String base() {
    return "http://127.0.0.1:" + port;
  }

  /** The management listener: probes and metrics. */
  public String managementBase() {
    return "http://127.0.0.1:" + managementPort;
  }

  public String token(String subject, String scope) {
    return signer.generateToken(new JsonObject().put("scope", scope), new JWTOptions().setAlgorithm("HS256")
      .setIssuer(TestService.ISSUER).setAudience(List.of(TestService.AUDIENCE)).setSubject(subject)
      .setExpiresInSeconds(600));
  }

  /** Posts a Cisive event as an ingest sender; the status, or -1 when the connection failed. */
  public int postCisive(JsonObject event) {
    return send(cisive(event)).statusCode();
  }

  /** The same without waiting: many such deliveries are in flight at once (each on a connection of its own). */
  public CompletableFuture<Integer> postCisiveAsync(JsonObject event) {
    return http.sendAsync(cisive(event), HttpResponse.BodyHandlers.discarding()).thenApply(HttpResponse::statusCode)
      .exceptionally(failure -> -1);
  }

  private HttpRequest cisive(JsonObject event) {
    return HttpRequest.newBuilder(URI.create(base() + TestService.CISIVE_PATH))
      .timeout(Duration.ofSeconds(60))
      .header("Authorization", "Bearer " + token("process-sender", "webhooks:ingest"))
      .header("Content-Type", "application/json")
      .POST(HttpRequest.BodyPublishers.ofString(event.encode())).build();
  }

  /** {@code GET path}; probes and metrics from the management listener. */
  public Answer get(String path) {
    String base = TestService.managementPath(path) ? managementBase() : base();
    return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build());
  }

  public Answer send(HttpRequest request) {
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body());
    } catch (IOException e) {
      return new Answer(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(-1, e.toString());
    }
  }

  /** An HTTP status (-1: no answer) and body. */
  public record Answer(int statusCode, String body) {
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
