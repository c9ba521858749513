package io.webhookinbox.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.json.JsonObject;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.ProcessClient;
import io.webhookinbox.support.ServiceProcess;
import io.webhookinbox.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slow and hostile senders against the packaged service: connections that send well-formed Stripe headers and one
 * byte of body hold no working capacity (an authenticated Cisive delivery still gets 200) and are answered 408 and
 * closed at the body deadline; behind an ingress the limit on failed signatures keys on the client IP the ingress
 * forwards.
 */
@ExtendWith(PostgresExtension.class)
class SlowSendersIT {
  private static final int MAX_IN_FLIGHT = 8;
  private static final int SLOW_SENDERS = 5 * MAX_IN_FLIGHT;

  @Test
  void slowSendersCannotStarveAuthenticatedOnesAndAreCutOff(TestDatabase db, @TempDir Path dir) throws Exception {
    Path work = ServiceProcess.workingDirectory(dir);
    Path config = work.resolve("conf/config.yaml");
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    JsonObject settings = new JsonObject(yaml.readValue(config.toFile(), Map.class)).mergeIn(new JsonObject()
      .put("http", new JsonObject().put("bodyTimeoutMs", 3000))
      .put("limits", new JsonObject().put("maxInFlight", MAX_IN_FLIGHT).put("clientIpHeader", "X-Forwarded-For")
        .put("rate", new JsonObject().put("failedSignatures", new JsonObject().put("perSecond", 1).put("burst", 2)))),
      true);
    Files.writeString(config, settings.encodePrettily());
    try (ProcessClient client = new ProcessClient();
         ServiceProcess service = ServiceProcess.start(work, client.environment(db,
           Map.of("STRIPE_WEBHOOK_SECRETS", "whsec_slow_senders_test_0123456789abcdef"))).awaitListening()) {
      int port = URI.create(client.base()).getPort();
      List<Socket> slow = new ArrayList<>();
      try {
        for (int i = 0; i < SLOW_SENDERS; i++) {
          Socket socket = new Socket("127.0.0.1", port);
          socket.setSoTimeout(30_000);
          OutputStream out = socket.getOutputStream();
          out.write(("POST /api/webhooks/events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            + "Stripe-Signature: t=" + Instant.now().getEpochSecond() + ",v1=00\r\nX-Forwarded-For: 198.51.100." + i
            + "\r\nContent-Length: 1000\r\n\r\n{")
            .getBytes(StandardCharsets.US_ASCII));
          out.flush();
          slow.add(socket);
        }

        assertThat(client.postCisive(CisiveEvents.created("evt-slow-senders-1", "ORD-SLOW-SENDERS-1")))
          .isEqualTo(200);

        for (Socket socket : slow) {
          String answer = new String(readToEnd(socket.getInputStream()), StandardCharsets.US_ASCII);
          assertThat(answer).startsWith("HTTP/1.1 408").contains("5122");
        }
      } finally {
        for (Socket socket : slow) {
          socket.close();
        }
      }

      // Two failed signature checks from one forwarded client IP use its burst; its third request is refused before
      // its body, another IP is not.
      assertThat(stripe(client, "203.0.113.7")).isEqualTo(401);
      assertThat(stripe(client, "203.0.113.7")).isEqualTo(401);
      assertThat(stripe(client, "203.0.113.7")).isEqualTo(429);
      assertThat(stripe(client, "203.0.113.8")).isEqualTo(401);
    }
  }

  /** A Stripe delivery with a wrong signature, as forwarded by an ingress for {@code clientIp}. */
  private static int stripe(ProcessClient client, String clientIp) {
    return client.send(HttpRequest.newBuilder(URI.create(client.base() + "/api/webhooks/events"))
      .header("Content-Type", "application/json").header("Stripe-Signature", "t=1,v1=00")
      .header("X-Forwarded-For", "10.0.0.1, " + clientIp)
      .POST(HttpRequest.BodyPublishers.ofString("{}")).build()).statusCode();
  }

  /** Reads until the service closes the connection (bounded by the socket's read timeout). */
  private static byte[] readToEnd(InputStream in) throws java.io.IOException {
    return in.readAllBytes();
  }
}
