package io.webhookinbox.retry;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.webhookinbox.config.RetryConfig;
import io.webhookinbox.events.EventClaims;
import io.webhookinbox.ingest.IngestClient;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.FaultInjection;
import io.webhookinbox.support.LogCapture;
import io.webhookinbox.support.InboxExtension;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The failure lifecycle with real failures raised inside PostgreSQL: 202 and a durable failed event, retries on
 * the configured backoff, dead letters, recovery, manual and bulk replays, two replicas over one database, and a
 * replica that dies holding a lease.
 */
@ExtendWith({VertxExtension.class, PostgresExtension.class})
class RetryLifecycleTest {
  static final RetryConfig FAST_RETRIES = new RetryConfig(400, 2.0, 10_000, 0.0, 3);
  private static FaultInjection faults;
  @RegisterExtension
  static final InboxExtension inbox = new InboxExtension(fastRetryConfig(),
    database -> faults = FaultInjection.install(database));

  static JsonObject fastRetryConfig() {
    return new JsonObject()
      .put("retry", FAST_RETRIES.toJson())
      .put("scheduler", new JsonObject().put("pollIntervalMs", 500).put("batchSize", 5).put("leaseTimeoutMs", 2000));
  }

  @Test
  void failingEventIs202ThenRetriedOnTheBackoffScheduleThenDead() {
    faults.failOrder("ORD-R1");
    double deadBefore = deadLetters(inbox.service());

    HttpResponse<Buffer> response = inbox.service().postCisive(CisiveEvents.created("evt-r1", "ORD-R1"));

    assertThat(response.statusCode()).isEqualTo(202);
    JsonObject data = response.bodyAsJsonObject().getJsonObject("data");
    assertThat(data.getString("status")).isEqualTo("queued");
    assertThat(data.getString("eventId")).isEqualTo("evt-r1");
    assertThat(inbox.db().count("SELECT count(*) FROM webhook_events WHERE event_id = 'evt-r1'")).isEqualTo(1);

    awaitStatus("evt-r1", "dead");
    JsonObject event = inbox.db().one("SELECT attempts, last_error, next_attempt_at, lease_token FROM webhook_events"
      + " WHERE event_id = 'evt-r1'");
    assertThat(event.getInteger("attempts")).isEqualTo(4);
    assertThat(event.getString("last_error")).contains("injected failure for ORD-R1");
    assertThat(event.getValue("next_attempt_at")).isNull();
    assertThat(event.getValue("lease_token")).isNull();
    assertThat(inbox.db().count("SELECT count(*) FROM orders WHERE external_order_id = 'ORD-R1'")).isZero();
    assertThat(faults.applications("evt-r1")).isZero();

    List<JsonObject> attempts = attempts("evt-r1");
    assertThat(attempts).extracting(a -> a.getString("outcome")).containsExactly("failed", "failed", "failed", "dead");
    // Retry 1 at once, then initialDelay × multiplier^(n-2): 400 ms, 800 ms (jitter 0 in this config).
    assertGap(attempts.get(0), attempts.get(1), 0);
    assertGap(attempts.get(1), attempts.get(2), 400);
    assertGap(attempts.get(2), attempts.get(3), 800);

    assertThat(deadLetters(inbox.service())).isEqualTo(deadBefore + 1);
    String metrics = inbox.service().get("/metrics", null).bodyAsString();
    assertThat(metrics).contains("webhook_dead_letters_total{source=\"cisive\"}")
      .contains("webhook_retries_total{outcome=\"dead\",source=\"cisive\"}")
      .contains("webhook_retries_total{outcome=\"failed\",source=\"cisive\"}");
    for (String personal : List.of(CisiveEvents.FIRST_NAME, CisiveEvents.LAST_NAME, CisiveEvents.EMAIL,
      CisiveEvents.DATE_OF_BIRTH, CisiveEvents.PHONE)) {
      assertThat(event.getString("last_error")).doesNotContain(personal);
      attempts.forEach(attempt -> assertThat(attempt.encode()).doesNotContain(personal));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> LogCapture.json().stream().anyMatch(line ->
      "WARN".equals(line.getString("level")) && "evt-r1".equals(line.getString("eventId"))
        && line.getString("message").contains("dead-lettered")
        && line.getString("message").contains("injected failure")));
  }

  @Test
  void eventThatStopsFailingIsAppliedOnceOnRetry() {
    faults.failOrder("ORD-R2");
    assertThat(inbox.service().postCisive(CisiveEvents.created("evt-r2", "ORD-R2")).statusCode()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(10)).until(() -> attempts("evt-r2").size() >= 2);

    faults.heal("ORD-R2");
    awaitStatus("evt-r2", "processed");

    assertThat(faults.applications("evt-r2")).isEqualTo(1);
    assertThat(inbox.db().one("SELECT status, version FROM orders WHERE external_order_id = 'ORD-R2'"))
      .isEqualTo(new JsonObject().put("status", "Created").put("version", 1));
    assertThat(inbox.db().one("SELECT resource_version, processed_at IS NOT NULL AS done FROM webhook_events"
      + " WHERE event_id = 'evt-r2'")).isEqualTo(new JsonObject().put("resource_version", 1).put("done", true));
    assertThat(attempts("evt-r2")).last().extracting(a -> a.getString("outcome")).isEqualTo("processed");
    // A sender retrying now gets a duplicate, not a second application.
    assertThat(inbox.service().postCisive(CisiveEvents.created("evt-r2", "ORD-R2")).bodyAsJsonObject()
      .getJsonObject("data").getString("status")).isEqualTo("duplicate");
  }

  @Test
  void manualRetryRequeuesADeadEventAtOnce() {
    faults.failOrder("ORD-R3");
    inbox.service().postCisive(CisiveEvents.created("evt-r3", "ORD-R3"));
    awaitStatus("evt-r3", "dead");
    faults.heal("ORD-R3");

    HttpResponse<Buffer> forbidden = inbox.service().send(inbox.service().client().post("/api/webhooks/retry/evt-r3"), null,
      inbox.service().token("reader", "webhooks:read"), null, java.util.Map.of());
    assertThat(forbidden.statusCode()).isEqualTo(403);
    assertThat(inbox.service().send(inbox.service().client().post("/api/webhooks/retry/evt-r3"), null, null, null,
      java.util.Map.of()).statusCode()).isEqualTo(401);

    HttpResponse<Buffer> retried = inbox.service().postAsAdmin("/api/webhooks/retry/evt-r3");

    assertThat(retried.statusCode()).as(retried.bodyAsString()).isEqualTo(200);
    JsonObject body = retried.bodyAsJsonObject();
    assertThat(body.getBoolean("success")).isTrue();
    assertThat(body.getString("message")).isNotBlank();
    JsonObject data = body.getJsonObject("data");
    assertThat(data.getString("eventId")).isEqualTo("evt-r3");
    assertThat(data.getString("status")).isEqualTo("processing");
    assertThat(data.getInteger("retryAttempt")).isEqualTo(4);
    assertThat(OffsetDateTime.parse(data.getString("timestamp"))).isNotNull();
    awaitStatus("evt-r3", "processed");
    assertThat(faults.applications("evt-r3")).isEqualTo(1);

    HttpResponse<Buffer> again = inbox.service().postAsAdmin("/api/webhooks/retry/evt-r3");
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.bodyAsJsonObject().getJsonObject("error").getInteger("code")).isEqualTo(5117);
    assertThat(inbox.service().postAsAdmin("/api/webhooks/retry/evt-never-seen").statusCode()).isEqualTo(404);
    // The same id under two sources: a retry must say which.
    inbox.db().execute("SELECT webhook_inbox_add_partitions(date '2000-01-01', date '2000-01-01')");
    inbox.db().execute("INSERT INTO webhook_events (source, event_id, event_type, payload, payload_sha256, status,"
      + " correlation_id, received_at) VALUES ('cisive', 'evt-twice', 'OrderCreated', '{}', 'x', 'dead', 'c', '2000-01-01Z'),"
      + " ('stripe', 'evt-twice', 'payment_intent.succeeded', '{}', 'y', 'dead', 'c', '2000-01-01Z')");
    HttpResponse<Buffer> ambiguous = inbox.service().postAsAdmin("/api/webhooks/retry/evt-twice");
    assertThat(ambiguous.statusCode()).isEqualTo(400);
    assertThat(ambiguous.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("?source=");
    assertThat(inbox.db().count("SELECT count(*) FROM webhook_events WHERE event_id = 'evt-twice' AND status = 'dead'"))
      .isEqualTo(2);
    assertThat(inbox.service().postAsAdmin("/api/webhooks/retry/bad%20id").statusCode()).isEqualTo(400);
  }

  @Test
  void aRetriedEventOlderThanItsOrderEndsStaleWithTheOrdersVersionAndChangesNothing() {
    faults.failOrder("ORD-RS");
    inbox.service().postCisive(CisiveEvents.event("evt-rs-old", "OrderUpdated", "2026-11-20T09:00:00Z", "ORD-RS",
      "Submitted"));
    awaitStatus("evt-rs-old", "dead");
    faults.heal("ORD-RS");
    for (String[] newer : List.of(new String[] {"evt-rs-1", "2026-11-20T10:00:00Z"},
        new String[] {"evt-rs-2", "2026-11-20T11:00:00Z"})) {
      assertThat(inbox.service().postCisive(CisiveEvents.event(newer[0], "OrderUpdated", newer[1], "ORD-RS",
        "InProgress")).statusCode()).isEqualTo(200);
    }

    int attemptsBefore = inbox.db().one("SELECT attempts FROM webhook_events WHERE event_id = 'evt-rs-old'")
      .getInteger("attempts");

    assertThat(inbox.service().postAsAdmin("/api/webhooks/retry/evt-rs-old").statusCode()).isEqualTo(200);

    awaitStatus("evt-rs-old", "stale");
    assertThat(inbox.db().one("SELECT resource_version, attempts FROM webhook_events WHERE event_id = 'evt-rs-old'"))
      .isEqualTo(new JsonObject().put("resource_version", 2).put("attempts", attemptsBefore + 1));
    assertThat(inbox.db().one("SELECT version, last_event_id FROM orders WHERE external_order_id = 'ORD-RS'"))
      .isEqualTo(new JsonObject().put("version", 2).put("last_event_id", "evt-rs-2"));
    assertThat(faults.applications("evt-rs-old")).isZero();
  }

  @Test
  void bulkReplayRequeuesMatchingDeadEventsWithinTheLimit() {
    String from = OffsetDateTime.now().minusSeconds(1).toString();
    List<String> created = List.of("evt-b1", "evt-b2", "evt-b3");
    for (String id : created) {
      faults.failOrder("ORD-" + id);
      inbox.service().postCisive(CisiveEvents.created(id, "ORD-" + id));
    }
    faults.failOrder("ORD-evt-b4");
    inbox.service().postCisive(CisiveEvents.event("evt-b4", "OrderUpdated", "2026-11-20T10:00:00Z", "ORD-evt-b4", "Submitted"));
    for (String id : List.of("evt-b1", "evt-b2", "evt-b3", "evt-b4")) {
      awaitStatus(id, "dead");
    }
    faults.healAll();

    HttpResponse<Buffer> firstTwo = inbox.service().postAsAdmin("/api/webhooks/retry?status=dead&eventType=OrderCreated&limit=2&from="
      + from.replace("+", "%2B"));

    assertThat(firstTwo.statusCode()).as(firstTwo.bodyAsString()).isEqualTo(200);
    JsonObject data = firstTwo.bodyAsJsonObject().getJsonObject("data");
    assertThat(data.getInteger("requeued")).isEqualTo(2);
    assertThat(data.getJsonArray("eventIds")).containsExactly("evt-b1", "evt-b2");
    awaitStatus("evt-b1", "processed");
    awaitStatus("evt-b2", "processed");
    assertThat(status("evt-b3")).isEqualTo("dead");
    assertThat(status("evt-b4")).isEqualTo("dead");

    HttpResponse<Buffer> rest = inbox.service().postAsAdmin("/api/webhooks/retry?status=dead&from=" + from.replace("+", "%2B"));
    assertThat(rest.bodyAsJsonObject().getJsonObject("data").getInteger("requeued")).isEqualTo(2);
    awaitStatus("evt-b3", "processed");
    awaitStatus("evt-b4", "processed");
    for (String id : List.of("evt-b1", "evt-b2", "evt-b3", "evt-b4")) {
      assertThat(faults.applications(id)).isEqualTo(1);
    }

    assertThat(inbox.service().postAsAdmin("/api/webhooks/retry?status=processed").statusCode()).isEqualTo(400);
    assertThat(inbox.service().postAsAdmin("/api/webhooks/retry?limit=0").statusCode()).isEqualTo(400);
    assertThat(inbox.service().postAsAdmin("/api/webhooks/retry?limit=1001").statusCode()).isEqualTo(400);
    assertThat(inbox.service().postAsAdmin("/api/webhooks/retry?from=yesterday").statusCode()).isEqualTo(400);
    assertThat(inbox.service().postAsAdmin("/api/webhooks/retry?from=2026-11-02&to=2026-11-01").statusCode()).isEqualTo(400);
  }

  @Test
  void theClaimsOfOnePollAreAttemptedInOneTransactionUnlessOneFailsThenOneByOne() {
    List<String> failing = List.of("evt-t1", "evt-t2", "evt-t3", "evt-t4");
    deadEvents(failing);
    faults.heal("ORD-evt-t1");
    faults.heal("ORD-evt-t2");
    faults.heal("ORD-evt-t3");
    // evt-t4 still fails: the poll's transaction keeps nothing, and each claim is attempted alone.
    String replayed = "/api/webhooks/retry?status=dead&from=" + encodedTime(failing.get(0));
    assertThat(inbox.service().postAsAdmin(replayed).bodyAsJsonObject().getJsonObject("data").getInteger("requeued"))
      .isEqualTo(4);
    for (String id : List.of("evt-t1", "evt-t2", "evt-t3")) {
      awaitStatus(id, "processed");
      assertThat(faults.applications(id)).isEqualTo(1);
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> attempts("evt-t4").size() == 5);
    assertThat(attempts("evt-t4").get(4).getString("outcome")).isIn("failed", "dead");
    assertThat(transactionsThatEnded(List.of("evt-t1", "evt-t2", "evt-t3"))).isEqualTo(3);

    List<String> healed = List.of("evt-t5", "evt-t6", "evt-t7", "evt-t8");
    deadEvents(healed);
    faults.healAll();
    String replayAll = "/api/webhooks/retry?status=dead&from=" + encodedTime(healed.get(0));
    assertThat(inbox.service().postAsAdmin(replayAll).bodyAsJsonObject().getJsonObject("data").getInteger("requeued"))
      .isEqualTo(4);
    for (String id : healed) {
      awaitStatus(id, "processed");
      assertThat(faults.applications(id)).isEqualTo(1);
    }
    assertThat(transactionsThatEnded(healed)).as("one poll's claims, one commit").isEqualTo(1);
    assertThat(attempts("evt-t8")).extracting(a -> a.getString("outcome")).last().isEqualTo("processed");
  }

  /** Posts events that fail until they are dead. */
  private static void deadEvents(List<String> ids) {
    for (String id : ids) {
      faults.failOrder("ORD-" + id);
      assertThat(inbox.service().postCisive(CisiveEvents.created(id, "ORD-" + id)).statusCode()).isEqualTo(202);
    }
    for (String id : ids) {
      awaitStatus(id, "dead");
    }
  }

  private static String encodedTime(String eventId) {
    return inbox.db().one("SELECT to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS at"
      + " FROM webhook_events WHERE event_id = ?", eventId).getString("at");
  }

  /** How many transactions last changed these events' rows (the one that ended their attempts). */
  private static long transactionsThatEnded(List<String> ids) {
    return inbox.db().count("SELECT count(DISTINCT xmin::text) FROM webhook_events WHERE event_id = ANY(?)",
      (Object) ids.toArray(new String[0]));
  }

  @Test
  void twoReplicasOverOneDatabaseNeverApplyAnEventTwice(Vertx vertx) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      ids.add("evt-mr-" + i);
      faults.failOrder("ORD-MR-" + i);
    }
    // Retries must outlast the posting of all 30 events (slow on a loaded machine): none may be dead at the heal.
    JsonObject patient = new JsonObject().put("retry", new JsonObject().put("maxAttempts", 100).put("maxDelayMs", 1000));
    inbox.service().server().settings().applyOverrides(patient);
    try (TestService replica = TestService.start(vertx, TestService.config(inbox.db(), fastRetryConfig().mergeIn(patient, true)))) {
      for (int i = 0; i < ids.size(); i++) {
        TestService target = i % 2 == 0 ? inbox.service() : replica;
        assertThat(target.postCisive(CisiveEvents.created(ids.get(i), "ORD-MR-" + i)).statusCode()).isEqualTo(202);
      }
      faults.healAll();
      for (String id : ids) {
        awaitStatus(id, "processed");
      }
    } finally {
      inbox.service().server().settings().applyOverrides(new JsonObject());
    }
    for (String id : ids) {
      assertThat(faults.applications(id)).as(id).isEqualTo(1);
    }
    assertThat(inbox.db().count("SELECT count(*) FROM orders WHERE external_order_id LIKE 'ORD-MR-%' AND version = 1"))
      .isEqualTo(30);
  }

  @Test
  void leaseLeftByADeadReplicaExpiresAndTheEventIsRecovered() {
    // Pause this replica's scheduler (an operator override) so the test can stage the crash.
    inbox.service().server().settings().applyOverrides(new JsonObject().put("scheduler", new JsonObject().put("enabled", false)));
    JsonObject zombie;
    try {
      faults.failOrder("ORD-L1");
      assertThat(inbox.service().postCisive(CisiveEvents.created("evt-l1", "ORD-L1")).statusCode()).isEqualTo(202);
      // A replica claims the event and dies mid-attempt: its lease is still on the row.
      zombie = inbox.db().one("UPDATE webhook_events SET status = 'processing', attempts = attempts + 1,"
        + " lease_token = gen_random_uuid(), lease_until = clock_timestamp() + interval '1 second'"
        + " WHERE event_id = 'evt-l1' RETURNING id, lease_token::text AS lease_token,"
        + " to_json(received_at) #>> '{}' AS received_at");
      faults.heal("ORD-L1");
    } finally {
      inbox.service().server().settings().applyOverrides(new JsonObject());
    }

    awaitStatus("evt-l1", "processed");
    assertThat(faults.applications("evt-l1")).isEqualTo(1);

    // The dead replica's worker comes back with its old lease: it must change nothing.
    String reply = IngestClient.attempt(inbox.service().server().vertx().eventBus(), new EventClaims.Claim(
        zombie.getLong("id"), OffsetDateTime.parse(zombie.getString("received_at")), "cisive",
        UUID.fromString(zombie.getString("lease_token")), null, 2, null), 10_000).await();
    assertThat(reply).isEqualTo("lease-lost");
    assertThat(faults.applications("evt-l1")).isEqualTo(1);
    assertThat(status("evt-l1")).isEqualTo("processed");
  }

  @Test
  void aClaimWhoseLeaseMovedOnChangesNothingWhileTheOthersOfItsTransactionEnd() {
    inbox.service().server().settings().applyOverrides(new JsonObject().put("scheduler", new JsonObject().put("enabled", false)));
    List<EventClaims.Claim> claims = new ArrayList<>();
    try {
      for (String id : List.of("evt-c1", "evt-c2")) {
        faults.failOrder("ORD-" + id);
        assertThat(inbox.service().postCisive(CisiveEvents.created(id, "ORD-" + id)).statusCode()).isEqualTo(202);
        awaitStatus(id, "failed");
        // Claimed as a scheduler claims, with a lease that outlives the test.
        JsonObject claimed = inbox.db().one("UPDATE webhook_events SET status = 'processing', attempts = attempts + 1,"
          + " lease_token = gen_random_uuid(), lease_until = clock_timestamp() + interval '1 minute'"
          + " WHERE event_id = ? RETURNING id, lease_token::text AS lease_token,"
          + " to_json(received_at) #>> '{}' AS received_at", id);
        claims.add(new EventClaims.Claim(claimed.getLong("id"), OffsetDateTime.parse(claimed.getString("received_at")),
          "cisive", UUID.fromString(claimed.getString("lease_token")), null, 2, null));
        faults.heal("ORD-" + id);
      }
      // The first one's lease ran out meanwhile and another replica holds it now.
      inbox.db().execute("UPDATE webhook_events SET lease_token = gen_random_uuid() WHERE event_id = 'evt-c1'");

      JsonArray ended = IngestClient.attempt(inbox.service().server().vertx().eventBus(), claims, 10_000).await();

      assertThat(ended).containsExactly("lease-lost", "processed");
      assertThat(transactionsThatEnded(List.of("evt-c2"))).isEqualTo(1);
      assertThat(faults.applications("evt-c1")).isZero();
      assertThat(status("evt-c1")).isEqualTo("processing");
      assertThat(attempts("evt-c1")).hasSize(1);
      assertThat(faults.applications("evt-c2")).isEqualTo(1);
      assertThat(status("evt-c2")).isEqualTo("processed");
      assertThat(attempts("evt-c2")).extracting(a -> a.getString("outcome")).containsExactly("failed", "processed");
    } finally {
      // The other replica's lease on evt-c1 runs out at once, and this replica's scheduler recovers it.
      inbox.db().execute("UPDATE webhook_events SET lease_until = clock_timestamp() WHERE event_id = 'evt-c1'");
      inbox.service().server().settings().applyOverrides(new JsonObject());
    }
    awaitStatus("evt-c1", "processed");
    assertThat(faults.applications("evt-c1")).isEqualTo(1);
  }

  @Test
  void anEventWhoseLastAllowedAttemptNeverFinishedIsDeadNotClaimedAgain() {
    inbox.service().server().settings().applyOverrides(new JsonObject().put("scheduler", new JsonObject().put("enabled", false)));
    double deadBefore = deadLetters(inbox.service());
    try {
      faults.failOrder("ORD-L2");
      assertThat(inbox.service().postCisive(CisiveEvents.created("evt-l2", "ORD-L2")).statusCode()).isEqualTo(202);
      // The last allowed retry was claimed and its replica died with it (e.g. the event crashes it): lease expired.
      inbox.db().execute("UPDATE webhook_events SET status = 'processing', attempts = ?, lease_token = gen_random_uuid(),"
        + " lease_until = clock_timestamp() - interval '1 second' WHERE event_id = 'evt-l2'",
        FAST_RETRIES.maxAttempts() + 1);
      faults.heal("ORD-L2");
    } finally {
      inbox.service().server().settings().applyOverrides(new JsonObject());
    }

    awaitStatus("evt-l2", "dead");
    assertThat(faults.applications("evt-l2")).isZero();
    JsonObject last = inbox.db().one("SELECT a.attempt, a.outcome, a.error FROM webhook_event_attempts a"
      + " JOIN webhook_events e ON e.id = a.event_row_id WHERE e.event_id = 'evt-l2' ORDER BY a.attempt DESC LIMIT 1");
    assertThat(last.getInteger("attempt")).isEqualTo(FAST_RETRIES.maxAttempts() + 1);
    assertThat(last.getString("outcome")).isEqualTo("dead");
    assertThat(last.getString("error")).startsWith("lease expired");
    await().atMost(Duration.ofSeconds(5)).until(() -> deadLetters(inbox.service()) == deadBefore + 1);
  }

  static void awaitStatus(String eventId, String status) {
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
      .until(() -> status.equals(status(eventId)));
  }

  static String status(String eventId) {
    List<JsonObject> rows = inbox.db().query("SELECT status FROM webhook_events WHERE event_id = ?", eventId);
    return rows.isEmpty() ? null : rows.get(0).getString("status");
  }

  static List<JsonObject> attempts(String eventId) {
    return inbox.db().query("SELECT a.attempt, a.outcome, (extract(epoch FROM a.started_at) * 1000)::bigint AS started_ms,"
      + " (extract(epoch FROM a.finished_at) * 1000)::bigint AS finished_ms FROM webhook_event_attempts a"
      + " JOIN webhook_events e ON e.id = a.event_row_id WHERE e.event_id = ? ORDER BY a.attempt", eventId);
  }

  /** The next attempt started no earlier than the backoff allows, and not much later (scheduler precision). */
  private static void assertGap(JsonObject previous, JsonObject next, long delayMs) {
    long gap = next.getLong("started_ms") - previous.getLong("finished_ms");
    assertThat(gap).as("gap before attempt " + next.getInteger("attempt")).isBetween(delayMs - 50, delayMs + 1500);
  }

  private static double deadLetters(TestService target) {
    var counter = target.server().metrics().registry().find("webhook_dead_letters_total").counter();
    return counter == null ? 0 : counter.count();
  }
}
