package io.webhookinbox.support;

import io.webhookinbox.Sources;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.webhookinbox.InboxServer;
import io.webhookinbox.config.AppConfig;
import io.webhookinbox.source.Source;
import io.webhookinbox.telemetry.Tracing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A real service on a loopback port over a test database, plus a real HTTP client. Tokens are signed here with
 * vertx-auth-jwt and the shared test secret, the way a sender would sign them.
 */
public final class TestService implements AutoCloseable {
  public static final String SECRET = "test-only-hs256-secret-0123456789abcdef";
  public static final String ISSUER = "https://issuer.test";
  public static final String AUDIENCE = "webhook-inbox-test";
  public static final String CISIVE_PATH = "/api/webhooks/cisive/orders";

  private final InboxServer server;
  private final WebClient client;
  private final JWTAuth signer;

  private TestService(InboxServer server, WebClient client, JWTAuth signer) {
    this.server = server;
    this.client = client;
    this.signer = signer;
  }

  /** Starts the service; {@code clientVertx} only runs the test's HTTP client. */
  public static TestService start(Vertx clientVertx, TestDatabase database) {
    return start(clientVertx, config(database, new JsonObject()));
  }

  public static TestService start(Vertx clientVertx, JsonObject config) {
    return start(clientVertx, config, null);
  }

  /** Starts the service watching {@code configFile} for retry and scheduler edits. */
  public static TestService start(Vertx clientVertx, JsonObject config, Path configFile) {
    return start(clientVertx, Sources.config(config), configFile);
  }

  /**
   * A developer's service: configured without a database (development, where unsafe settings are allowed), then
   * pointed at {@code database} as the embedded one would be.
   */
  public static TestService startForDevelopment(Vertx clientVertx, TestDatabase database, JsonObject overrides) {
    JsonObject config = config(database, overrides);
    AppConfig development = Sources.config(config.copy().put("database", new JsonObject()));
    return start(clientVertx, development.withDatabase(AppConfig.databaseOf(config)), null);
  }

  /** Starts a service whose spans go to {@code tracing} (e.g. the SDK's in-memory exporter). */
  public static TestService startTraced(Vertx clientVertx, JsonObject config, Tracing tracing) {
    InboxServer server = InboxServer.start(Sources.config(config), null, Sources.ALL, tracing).await();
    return connect(clientVertx, server);
  }

  /** Starts a service that receives from {@code sources} (the shipped ones and any a test adds). */
  public static TestService startWith(Vertx clientVertx, JsonObject config, List<Source> sources) {
    return start(clientVertx, AppConfig.from(config, Sources.registry(sources)), null, sources);
  }

  private static TestService start(Vertx clientVertx, AppConfig config, Path configFile) {
    return start(clientVertx, config, configFile, Sources.ALL);
  }

  private static TestService start(Vertx clientVertx, AppConfig config, Path configFile, List<Source> sources) {
    return connect(clientVertx, InboxServer.start(config, configFile, sources).await());
  }

  private static TestService connect(Vertx clientVertx, InboxServer server) {
    WebClient client = WebClient.create(clientVertx, new WebClientOptions()
      .setDefaultHost("127.0.0.1")
      .setDefaultPort(server.config().http().port())
      .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(100));
    JWTAuth signer = JWTAuth.create(clientVertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
    return new TestService(server, client, signer);
  }

  /** A complete service config for {@code database} on a free loopback port; {@code overrides} merge in deeply. */
  public static JsonObject config(TestDatabase database, JsonObject overrides) {
    int[] ports = freePorts(2);
    JsonObject base = new JsonObject()
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", ports[0]).put("instances", 2))
      .put("management", new JsonObject().put("port", ports[1]))
      .put("database", database.configJson())
      .put("jwt", new JsonObject().put("issuer", ISSUER).put("audience", AUDIENCE).put("hmacSecret", SECRET)
        .put("leewaySeconds", 5))
      .put("ingest", new JsonObject().put("instances", 2));
    return base.mergeIn(overrides, true);
  }

  /**
   * {@code count} distinct free ports: the sockets stay open until all are chosen, since two calls of
   * {@link #freePort()} in a row can get the same port back (seen in CI: management.port equal to http.port).
   */
  public static int[] freePorts(int count) {
    List<ServerSocket> sockets = new java.util.ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0);
        sockets.add(socket);
        ports[i] = socket.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // closing a listening socket we opened; nothing to recover
        }
      }
    }
  }

  public static int freePort() {
    return freePorts(1)[0];
  }

  public InboxServer server() {
    return server;
  }

  public int port() {
    return server.config().http().port();
  }

  /** The management listener's port: probes, metrics. */
  public int managementPort() {
    return server.config().management().port();
  }

  /** A valid token for {@code subject} with the given scopes. */
  public String token(String subject, String... scopes) {
    return sign(new JsonObject().put("scope", String.join(" ", scopes)), subject, ISSUER, AUDIENCE, 300);
  }

  public String sign(JsonObject claims, String subject, String issuer, String audience, int ttlSeconds) {
    JWTOptions options = new JWTOptions().setAlgorithm("HS256").setIssuer(issuer).setAudience(List.of(audience))
      .setExpiresInSeconds(ttlSeconds);
    if (subject != null) {
      options.setSubject(subject);
    }
    return signer.generateToken(claims, options);
  }

  public String adminToken() {
    return token("operator", "webhooks:admin");
  }

  public String ingestToken() {
    return token("cisive-test", "webhooks:ingest");
  }

  public HttpResponse<Buffer> postCisive(JsonObject event) {
    return postCisive(event.toBuffer(), ingestToken(), Map.of());
  }

  /** Posts as {@code subject} with a chosen correlation id. */
  public HttpResponse<Buffer> postCisive(JsonObject event, String subject, String correlationId) {
    return postCisive(event.toBuffer(), token(subject, "webhooks:ingest"), Map.of("X-Correlation-ID", correlationId));
  }

  /** Sends every event at once without waiting (the client keeps up to 100 connections); answers in order. */
  public List<Future<HttpResponse<Buffer>>> sendCisiveAtOnce(List<JsonObject> events) {
    String token = ingestToken();
    return events.stream().map(event -> client.post(CISIVE_PATH)
      .putHeader("Authorization", "Bearer " + token)
      .putHeader("Content-Type", "application/json")
      .sendBuffer(event.toBuffer())).toList();
  }

  public HttpResponse<Buffer> postCisive(Buffer body, String token, Map<String, String> headers) {
    return send(client.post(CISIVE_PATH), body, token, "application/json", headers);
  }

  public HttpResponse<Buffer> send(HttpRequest<Buffer> request, Buffer body, String token, String contentType,
                                   Map<String, String> headers) {
    MultiMap requestHeaders = request.headers();
    if (token != null) {
      requestHeaders.set("Authorization", "Bearer " + token);
    }
    if (contentType != null) {
      requestHeaders.set("Content-Type", contentType);
    }
    headers.forEach(requestHeaders::set);
    return (body == null ? request.send() : request.sendBuffer(body)).await();
  }

  /** {@code GET path} with a token (null for none); probes and metrics from the management listener. */
  public HttpResponse<Buffer> get(String pathAndQuery, String token) {
    HttpRequest<Buffer> request = managementPath(pathAndQuery)
      ? client.get(managementPort(), "127.0.0.1", pathAndQuery) : client.get(pathAndQuery);
    return send(request, null, token, null, Map.of());
  }

  /** Whether the management listener serves this path (probes and metrics). */
  public static boolean managementPath(String pathAndQuery) {
    return pathAndQuery.startsWith("/health/") || pathAndQuery.startsWith("/metrics");
  }

  public String readToken() {
    return token("auditor", "webhooks:read");
  }

  /** {@code POST path} with an empty body, as an operator. */
  public HttpResponse<Buffer> postAsAdmin(String pathAndQuery) {
    return send(client.post(pathAndQuery), null, adminToken(), null, Map.of());
  }

  public WebClient client() {
    return client;
  }

  @Override
  public void close() {
    server.close();
  }
}
