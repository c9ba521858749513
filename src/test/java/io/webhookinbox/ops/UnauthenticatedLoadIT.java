package io.webhookinbox.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.stripe.net.Webhook;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.ProcessClient;
import io.webhookinbox.support.ServiceProcess;
import io.webhookinbox.support.StripeEvents;
import io.webhookinbox.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the internet can do to the packaged service without a credential, at the heap the Deployment gives a replica
 * (a 1 GiB memory limit, 75 % of it for the heap): a flood of large Stripe bodies with junk signatures, each from
 * its own client, sent but for their last byte (1,000 of them declare 1 GB, more than the heap); requests whose
 * headers already condemn them; and junk signatures from one client while Stripe's real ones come from another.
 * The replica must refuse early and boundedly, keep serving authenticated deliveries and never run out of heap.
 */
@ExtendWith(PostgresExtension.class)
class UnauthenticatedLoadIT {
  private static final String DEPLOYMENT_HEAP = "-Xmx768m -XX:+ExitOnOutOfMemoryError";
  private static final String STRIPE_SECRET = "whsec_unauthenticated_load_0123456789abcdef";
  private static final int FLOOD_CONNECTIONS = 1000;
  private static final int DECLARED_BYTES = 1_040_000;
  private static final int BODY_TIMEOUT_MS = 5000;
  private Vertx vertx;
  private NetClient net;
  private ProcessClient client;
  private ServiceProcess service;
  private int port;

  @BeforeEach
  void start(TestDatabase db, @TempDir Path dir) throws Exception {
    Path work = ServiceProcess.workingDirectory(dir);
    Path config = work.resolve("conf/config.yaml");
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    JsonObject settings = new JsonObject(yaml.readValue(config.toFile(), Map.class)).mergeIn(new JsonObject()
      .put("http", new JsonObject().put("bodyTimeoutMs", BODY_TIMEOUT_MS))
      .put("limits", new JsonObject().put("rate", new JsonObject()
        .put("stripe", new JsonObject().put("perSecond", 1).put("burst", 5)))), true);
    Files.writeString(config, settings.encodePrettily());
    client = new ProcessClient();
    service = ServiceProcess.start(work, client.environment(db, Map.of("JAVA_TOOL_OPTIONS", DEPLOYMENT_HEAP,
      "STRIPE_WEBHOOK_SECRETS", STRIPE_SECRET, "LIMITS_CLIENT_IP_HEADER", "X-Forwarded-For"))).awaitListening();
    port = URI.create(client.base()).getPort();
    vertx = Vertx.vertx();
    net = vertx.createNetClient(new NetClientOptions().setConnectTimeout(10_000));
  }

  @AfterEach
  void stop() {
    service.close();
    client.close();
    vertx.close().await();
  }

  @Test
  void aFloodOfLargeUnsignedBodiesIsRefusedEarlyAndAuthenticatedDeliveriesGoOn() throws Exception {
    long now = Instant.now().getEpochSecond();
    List<Future<String>> flood = new ArrayList<>();
    for (int i = 0; i < FLOOD_CONNECTIONS; i++) {
      // A fresh timestamp and a well-formed junk signature: only the body can prove it wrong.
      flood.add(sendAllButLastByte("t=" + now + ",v1=" + "ab".repeat(32), "10." + (i / 250) + "." + (i % 250) + ".9"));
    }
    // While the bodies stream in, an authenticated sender is served and the replica stays ready.
    CompletableFuture<Integer> delivery = client.postCisiveAsync(CisiveEvents.created("evt-flood-1", "ORD-FLOOD-1"));
    assertThat(delivery.get(15, TimeUnit.SECONDS)).isEqualTo(200);
    assertThat(client.get("/health/ready").statusCode()).isEqualTo(200);

    Map<String, Integer> answers = new TreeMap<>();
    for (Future<String> answer : flood) {
      answers.merge(answer.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS), 1, Integer::sum);
    }
    // Most are refused before a byte of their body is read (the unauthenticated share of the receive budget); the
    // bodies taken in wait for a last byte that never comes and are cut off at the body deadline.
    assertThat(answers.keySet()).as("answers %s", answers).allMatch(line -> line.startsWith("HTTP/1.1 503")
      || line.startsWith("HTTP/1.1 408"));
    assertThat(answers.getOrDefault("HTTP/1.1 503 Service Unavailable", 0)).as("answers %s", answers)
      .isGreaterThan(FLOOD_CONNECTIONS / 2);

    assertThat(service.process().isAlive()).isTrue();
    assertThat(service.output()).noneMatch(line -> line.contains("java.lang.OutOfMemoryError"));
    assertThat(client.postCisive(CisiveEvents.created("evt-flood-2", "ORD-FLOOD-2"))).isEqualTo(200);
    assertThat(client.get("/health/ready").statusCode()).isEqualTo(200);
  }

  @Test
  void whatTheHeadersCondemnIsRefusedAtOnceWithoutWaitingForTheBody() throws Exception {
    long hourAgo = Instant.now().getEpochSecond() - 3600;
    Map<String, String> cases = new TreeMap<>(Map.of(
      "missing", "", "stale", "t=" + hourAgo + ",v1=" + "ab".repeat(32), "malformed", "v1-only"));
    for (Map.Entry<String, String> header : cases.entrySet()) {
      long started = System.nanoTime();
      // The body never comes: only the headers can be answered.
      String answer = sendHeadersOnly(header.getValue(), "192.0.2." + header.getKey().length(), 1000)
        .toCompletionStage().toCompletableFuture().get(BODY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertThat(answer).as(header.getKey()).startsWith(header.getKey().equals("malformed") ? "HTTP/1.1 400"
        : "HTTP/1.1 401");
      assertThat(millis).as("%s answered before the body deadline", header.getKey()).isLessThan(BODY_TIMEOUT_MS / 2);
    }
    String tooLarge = sendHeadersOnly("t=" + Instant.now().getEpochSecond() + ",v1=00", "192.0.2.99", 2_000_000)
      .toCompletionStage().toCompletableFuture().get(BODY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    assertThat(tooLarge).startsWith("HTTP/1.1 413");
  }

  @Test
  void junkSignaturesFromOneClientNeverMakeStripesOwnDeliveriesWait() throws Exception {
    List<Integer> attacker = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      attacker.add(stripe("{\"id\":\"evt_junk\"}", "t=" + Instant.now().getEpochSecond() + ",v1=" + "cd".repeat(32),
        "198.51.100.66"));
    }
    // Its failures are counted against it: once its burst of failures (20) is spent it is refused before its body,
    // but for the few its bucket refills (2 a second) while this runs.
    assertThat(attacker.subList(0, 20)).containsOnly(401);
    assertThat(attacker.subList(20, 40)).allMatch(status -> status == 401 || status == 429);
    assertThat(attacker.stream().filter(status -> status == 429).count()).isGreaterThanOrEqualTo(15);

    List<Integer> stripe = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String body = StripeEvents.paymentIntent("evt_real_" + i, "payment_intent.succeeded", "pi_real_" + i,
        "succeeded", Instant.now().getEpochSecond()).encode();
      stripe.add(stripe(body, Webhook.Signature.generateSignatureHeader(body, STRIPE_SECRET,
        Instant.now().getEpochSecond()), "203.0.113.10"));
    }
    assertThat(stripe).containsOnly(200);
  }

  /** A Stripe request as an ingress forwards it for {@code clientIp}. */
  private int stripe(String body, String signature, String clientIp) {
    return client.send(HttpRequest.newBuilder(URI.create(client.base() + "/api/webhooks/events"))
      .header("Content-Type", "application/json").header("Stripe-Signature", signature)
      .header("X-Forwarded-For", "10.0.0.1, " + clientIp)
      .POST(HttpRequest.BodyPublishers.ofString(body)).build()).statusCode();
  }

  private Future<String> sendAllButLastByte(String signature, String clientIp) {
    return send(signature, clientIp, DECLARED_BYTES, DECLARED_BYTES - 1);
  }

  private Future<String> sendHeadersOnly(String signature, String clientIp, int declared) {
    return send(signature, clientIp, declared, 0);
  }

  /** Sends the headers and {@code bodyBytes} of the body, then holds the connection; completes with the status line. */
  private Future<String> send(String signature, String clientIp, int declared, int bodyBytes) {
    Promise<String> statusLine = Promise.promise();
    net.connect(port, "127.0.0.1").onFailure(failure -> statusLine.tryComplete("connect failed"))
      .onSuccess(socket -> {
        StringBuilder received = new StringBuilder();
        socket.handler(data -> {
          received.append(data.toString(StandardCharsets.US_ASCII));
          int end = received.indexOf("\r\n");
          if (end >= 0) {
            statusLine.tryComplete(received.substring(0, end));
            socket.close();
          }
        });
        socket.closeHandler(closed -> statusLine.tryComplete("closed without an answer"));
        socket.exceptionHandler(failure -> { });
        socket.write(Buffer.buffer(("POST /api/webhooks/events HTTP/1.1\r\nHost: localhost\r\n"
          + "Content-Type: application/json\r\n" + (signature.isEmpty() ? "" : "Stripe-Signature: " + signature + "\r\n")
          + "X-Forwarded-For: " + clientIp + "\r\nContent-Length: " + declared + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII)));
        writeBody(socket, bodyBytes, statusLine.future());
      });
    return statusLine.future();
  }

  private static final Buffer CHUNK = Buffer.buffer("a".repeat(64 * 1024));

  /** Writes {@code remaining} bytes in chunks as fast as the connection takes them, until answered. */
  private static void writeBody(NetSocket socket, int remaining, Future<String> answered) {
    while (remaining > 0 && !answered.isComplete()) {
      int size = Math.min(remaining, CHUNK.length());
      socket.write(size == CHUNK.length() ? CHUNK : CHUNK.getBuffer(0, size));
      remaining -= size;
      if (socket.writeQueueFull()) {
        int left = remaining;
        socket.drainHandler(drained -> writeBody(socket, left, answered));
        return;
      }
    }
  }
}
