package io.webhookinbox.db;

import io.vertx.core.json.JsonObject;
import io.webhookinbox.events.Payloads;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.ExternalTools;
import io.webhookinbox.support.FaultInjection;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.ProcessClient;
import io.webhookinbox.support.ServiceProcess;
import io.webhookinbox.support.TestDatabase;
import io.webhookinbox.support.TestService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A rolling upgrade as it really runs: the previous release (built here from its commit, see
 * src/test/resources/previous-release) serving on this build's schema, beside a replica of this build. The old
 * replica stays ready and takes deliveries, retries, operator reads and erasures; the two never store an event
 * twice; and the old replica's maintenance, which drops what the database lists as expired, leaves an old dead
 * letter alone.
 */
@ExtendWith(PostgresExtension.class)
class PreviousReleaseIT {
  private static Path previousJar;

  @BeforeAll
  static void buildThePreviousRelease(@TempDir Path dir) throws IOException {
    String commit = Files.readAllLines(Path.of("src/test/resources/previous-release")).stream()
      .filter(line -> !line.startsWith("#") && !line.isBlank()).findFirst().orElseThrow().trim();
    Path git = ExternalTools.require("git", "git");
    String project = Path.of("").toAbsolutePath().toString();
    ExternalTools.Result present = ExternalTools.run(dir, Duration.ofSeconds(30),
      List.of(git.toString(), "-C", project, "cat-file", "-e", commit + "^{commit}"));
    assertThat(present.exit()).as("the previous release %s must be in this clone's history (a full clone)", commit)
      .isZero();
    Path source = Files.createDirectories(dir.resolve("previous"));
    ExternalTools.Result archived = ExternalTools.run(dir, Duration.ofSeconds(60), List.of("bash", "-c",
      "set -o pipefail; '" + git + "' -C '" + project + "' archive " + commit + " | tar -x -C '" + source + "'"));
    assertThat(archived.exit()).as(archived.output()).isZero();
    // Offline first: this build already fetched what the previous one needs, unless its dependencies changed since.
    ExternalTools.Result built = ExternalTools.run(source, Duration.ofMinutes(10),
      List.of("mvn", "-q", "-B", "-o", "-DskipTests", "package"));
    if (built.exit() != 0) {
      built = ExternalTools.run(source, Duration.ofMinutes(10), List.of("mvn", "-q", "-B", "-DskipTests", "package"));
    }
    assertThat(built.exit()).as(built.output()).isZero();
    previousJar = source.resolve("target/webhook-inbox.jar");
    assertThat(previousJar).exists();
  }

  @Test
  void thePreviousReleaseWorksOnThisSchemaBesideThisBuild(TestDatabase db, @TempDir Path dir) throws Exception {
    FaultInjection faults = FaultInjection.install(db);
    LocalDate old = LocalDate.now(ZoneOffset.UTC).minusDays(100);
    db.execute("SELECT webhook_inbox_add_partitions(?::date, ?::date)", old.toString(), old.toString());
    JsonObject deadLetter = CisiveEvents.created("evt-prev-dead", "ORD-PREV-DEAD");
    storeDead(db, deadLetter, old);

    int oldPort = TestService.freePort();
    Map<String, String> oldEnv = new java.util.HashMap<>(Map.of("HTTP_PORT", String.valueOf(oldPort), "PG_HOST",
      db.host(), "PG_PORT", String.valueOf(db.port()), "PG_DATABASE", db.name(), "PG_USER", db.user(), "PG_PASSWORD",
      db.password(), "DB_MIGRATE_ON_START", "false", "JWT_HMAC_SECRET", TestService.SECRET, "JWT_ISSUER",
      TestService.ISSUER, "JWT_AUDIENCE", TestService.AUDIENCE));
    try (ProcessClient client = new ProcessClient();
         ServiceProcess previous = ServiceProcess.startJar(previousJar, ServiceProcess.workingDirectory(
           dir.resolve("previous")), oldEnv).awaitListening();
         ServiceProcess current = ServiceProcess.start(ServiceProcess.workingDirectory(dir.resolve("current")),
           client.environment(db, Map.of())).awaitListening()) {
      String oldBase = "http://127.0.0.1:" + oldPort;
      await().atMost(Duration.ofSeconds(30)).until(() -> get(client, oldBase + "/health/ready", null).statusCode() == 200);
      assertThat(get(client, oldBase + "/health/ready", null).body()).contains("\"schemaVersion\":\"" + Migrations.LATEST_VERSION + "\"");
      await().atMost(Duration.ofSeconds(30)).until(() -> client.get("/health/ready").statusCode() == 200);

      // Deliveries to either, and the same event to both: stored once.
      for (int i = 0; i < 5; i++) {
        assertThat(post(client, oldBase, CisiveEvents.created("evt-prev-old-" + i, "ORD-PREV-OLD-" + i)).statusCode())
          .isEqualTo(200);
        assertThat(client.postCisive(CisiveEvents.created("evt-prev-new-" + i, "ORD-PREV-NEW-" + i))).isEqualTo(200);
      }
      JsonObject both = CisiveEvents.created("evt-prev-both", "ORD-PREV-BOTH");
      assertThat(post(client, oldBase, both).statusCode()).isEqualTo(200);
      assertThat(new JsonObject(post(client, client.base(), both).body()).getJsonObject("data").getString("status"))
        .isEqualTo("duplicate");

      // A failure queued by the old replica is retried (by either scheduler) once healed.
      faults.failOrder("ORD-PREV-FAIL");
      assertThat(post(client, oldBase, CisiveEvents.created("evt-prev-fail", "ORD-PREV-FAIL")).statusCode())
        .isEqualTo(202);
      faults.heal("ORD-PREV-FAIL");
      await().atMost(Duration.ofSeconds(60)).until(() -> db.count("SELECT count(*) FROM webhook_events"
        + " WHERE event_id = 'evt-prev-fail' AND status = 'processed'") == 1);

      // Operator reads and an erasure on the old replica.
      String admin = client.token("operator", "webhooks:admin");
      assertThat(get(client, oldBase + "/api/webhooks/statistics", admin).statusCode()).isEqualTo(200);
      assertThat(get(client, oldBase + "/api/orders/ORD-PREV-OLD-0", admin).statusCode()).isEqualTo(200);
      ProcessClient.Answer erased = client.send(HttpRequest.newBuilder(URI.create(oldBase
        + "/api/orders/ORD-PREV-OLD-1/personal-data")).header("Authorization", "Bearer " + admin).DELETE().build());
      assertThat(erased.statusCode()).as(erased.body()).isEqualTo(200);
      assertThat(db.one("SELECT candidate::text AS c FROM orders WHERE external_order_id = 'ORD-PREV-OLD-1'")
        .getString("c")).doesNotContain(CisiveEvents.LAST_NAME);

      // Both ran maintenance at start-up (one at a time): the old dead letter is still there.
      assertThat(previous.output()).anyMatch(line -> line.contains("Retention run"));
      assertThat(db.count("SELECT count(*) FROM webhook_events WHERE event_id = 'evt-prev-dead' AND status = 'dead'"))
        .isEqualTo(1);
    }
    assertThat(db.count("SELECT count(*) FROM webhook_events WHERE event_id LIKE 'evt-prev-%'")).isEqualTo(13);
  }

  private static void storeDead(TestDatabase db, JsonObject event, LocalDate day) {
    String body = event.encode();
    String hash = Payloads.sha256Hex(body.getBytes());
    String receivedAt = day + "T12:00:00Z";
    db.execute("INSERT INTO webhook_events (source, event_id, event_type, external_id, occurred_at, payload,"
        + " payload_sha256, status, attempts, correlation_id, principal, received_at) VALUES ('cisive', ?,"
        + " 'OrderCreated', ?, ?::timestamptz, ?::jsonb, ?, 'dead', 6, 'corr-prev', 'cisive', ?::timestamptz)",
      event.getString("eventId"), event.getJsonObject("order").getString("externalOrderId"),
      event.getString("occurredAt"), body, hash, receivedAt);
    db.execute("INSERT INTO webhook_event_keys VALUES (?, 'cisive', ?::timestamptz, decode(?, 'hex'))",
      event.getString("eventId"), receivedAt, hash);
  }

  private static ProcessClient.Answer post(ProcessClient client, String base, JsonObject event) {
    return client.send(HttpRequest.newBuilder(URI.create(base + TestService.CISIVE_PATH))
      .header("Authorization", "Bearer " + client.token("rolling-sender", "webhooks:ingest"))
      .header("Content-Type", "application/json")
      .POST(HttpRequest.BodyPublishers.ofString(event.encode())).build());
  }

  private static ProcessClient.Answer get(ProcessClient client, String url, String token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return client.send(request.build());
  }
}
