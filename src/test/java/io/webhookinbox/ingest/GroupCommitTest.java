package io.webhookinbox.ingest;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.FaultInjection;
import io.webhookinbox.support.InboxExtension;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Group commit under real concurrency: one worker with two connections, so deliveries sent at once must share
 * transactions. Every semantic of one-delivery-per-transaction holds inside a batch.
 */
@ExtendWith(PostgresExtension.class)
class GroupCommitTest {
  private static final Pattern BATCHES =
    Pattern.compile("webhook_group_commit_events_count\\{source=\"cisive\",?} (\\d+)(?:\\.0)?");
  private static final Pattern BATCHED =
    Pattern.compile("webhook_group_commit_events_sum\\{source=\"cisive\",?} (\\d+)(?:\\.0)?");

  private static FaultInjection faults;

  @RegisterExtension
  static final InboxExtension inbox = new InboxExtension(new JsonObject()
    .put("ingest", new JsonObject().put("instances", 1).put("maxBatch", 16))
    // Two delivery connections for the one worker (see ConnectionBudget): two batches at once.
    .put("database", new JsonObject().put("poolSize", 7))
    // A queued event stays as the group commit left it (failed), rather than being claimed by a retry meanwhile.
    .put("scheduler", new JsonObject().put("enabled", false)),
    db -> faults = FaultInjection.install(db));

  @Test
  void deliveriesSentAtOnceShareTransactionsAndAreEachStoredOnce() {
    long batchesBefore = metric(BATCHES);
    long batchedBefore = metric(BATCHED);
    List<JsonObject> events = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      events.add(CisiveEvents.created("evt-gc-many-" + i, "ORD-GC-MANY-" + i));
    }

    List<HttpResponse<Buffer>> responses = postAll(inbox.service(), events);

    responses.forEach(response -> {
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
      assertThat(data(response).getString("status")).isEqualTo("processed");
      assertThat(data(response).getInteger("orderVersion")).isEqualTo(1);
    });
    assertThat(inbox.db().count("SELECT count(*) FROM webhook_events WHERE event_id LIKE 'evt-gc-many-%'"
      + " AND status = 'processed' AND resource_version = 1 AND processing_ms IS NOT NULL")).isEqualTo(120);
    assertThat(inbox.db().count("SELECT count(*) FROM orders WHERE external_order_id LIKE 'ORD-GC-MANY-%'"
      + " AND version = 1")).isEqualTo(120);
    long batches = metric(BATCHES) - batchesBefore;
    assertThat(metric(BATCHED) - batchedBefore).isEqualTo(120);
    assertThat(batches).as("transactions for 120 deliveries").isLessThan(120).isGreaterThanOrEqualTo(120 / 16);
  }

  @Test
  void eventsForOneOrderInOneBatchLetTheNewestWin() {
    List<JsonObject> events = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      events.add(CisiveEvents.event("evt-gc-hot-" + i, "OrderUpdated", String.format("2026-11-20T11:%02d:00Z", i),
        "ORD-GC-HOT", i % 2 == 0 ? "InProgress" : "OnHold"));
    }
    Collections.shuffle(events, new Random(7));

    List<HttpResponse<Buffer>> responses = postAll(inbox.service(), events);

    JsonObject order = inbox.db().one("SELECT status, version, last_event_id FROM orders"
      + " WHERE external_order_id = 'ORD-GC-HOT'");
    assertThat(order.getString("last_event_id")).isEqualTo("evt-gc-hot-39");
    assertThat(order.getString("status")).isEqualTo("OnHold");
    Map<String, Long> answered = responses.stream().peek(r -> assertThat(r.statusCode()).isEqualTo(200))
      .collect(Collectors.groupingBy(r -> data(r).getString("status"), Collectors.counting()));
    assertThat(answered.keySet()).isSubsetOf("processed", "stale");
    assertThat(answered.get("processed")).isEqualTo(order.getInteger("version").longValue());
    assertThat(inbox.db().count("SELECT count(*) FROM webhook_events WHERE external_id = 'ORD-GC-HOT'"
      + " AND status = 'processed'")).isEqualTo(order.getInteger("version").longValue());
    // A stale event never reports a version the order has not reached.
    responses.forEach(r -> assertThat(data(r).getInteger("orderVersion")).isBetween(1, order.getInteger("version")));
  }

  @Test
  void oneEventThatCannotBeAppliedDoesNotFailItsNeighbours() {
    faults.failOrder("ORD-GC-BAD");
    List<JsonObject> events = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      events.add(CisiveEvents.created("evt-gc-nb-" + i, i == 17 ? "ORD-GC-BAD" : "ORD-GC-NB-" + i));
    }

    List<HttpResponse<Buffer>> responses = postAll(inbox.service(), events);

    for (int i = 0; i < 40; i++) {
      HttpResponse<Buffer> response = responses.get(i);
      if (i == 17) {
        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(data(response).getString("status")).isEqualTo("queued");
      } else {
        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
        assertThat(data(response).getString("status")).isEqualTo("processed");
        assertThat(faults.applications("evt-gc-nb-" + i)).isEqualTo(1);
      }
    }
    assertThat(inbox.db().one("SELECT status FROM webhook_events WHERE event_id = 'evt-gc-nb-17'")
      .getString("status")).isEqualTo("failed");
    assertThat(faults.applications("evt-gc-nb-17")).isZero();
    faults.healAll();
  }

  @Test
  void copiesOfOneEventAcrossBatchesAndReplicasApplyOnceAndConflictingCopiesAreRefused() {
    JsonObject original = CisiveEvents.created("evt-gc-dup", "ORD-GC-DUP");
    JsonObject altered = original.copy();
    altered.getJsonObject("order").put("status", "OnHold");
    List<JsonObject> events = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      events.add(i % 3 == 0 ? altered : original);
      events.add(CisiveEvents.created("evt-gc-dup-other-" + i, "ORD-GC-DUP-OTHER-" + i));
    }
    Vertx otherClient = Vertx.vertx();
    try (TestService otherReplica = TestService.start(otherClient,
      TestService.config(inbox.db(), new JsonObject().put("ingest", new JsonObject().put("instances", 1))
        .put("database", new JsonObject().put("poolSize", 7))))) {
      List<Future<HttpResponse<Buffer>>> inFlight = new ArrayList<>(inbox.service().sendCisiveAtOnce(events));
      inFlight.addAll(otherReplica.sendCisiveAtOnce(events));
      Future.join(inFlight).await();
      List<HttpResponse<Buffer>> responses = inFlight.stream().map(Future::result).toList();

      List<HttpResponse<Buffer>> copies = new ArrayList<>();
      for (int i = 0; i < responses.size(); i++) {
        if (i % 2 == 0) {
          copies.add(responses.get(i));
        } else {
          assertThat(responses.get(i).statusCode()).isEqualTo(200);
        }
      }
      assertThat(copies.stream().filter(r -> r.statusCode() == 200 && "processed".equals(data(r).getString("status"))))
        .hasSize(1);
      JsonObject stored = inbox.db().one("SELECT status, payload->'order'->>'status' AS order_status"
        + " FROM webhook_events WHERE event_id = 'evt-gc-dup'");
      boolean originalWon = "Created".equals(stored.getString("order_status"));
      long sameAsStored = events.stream().filter(e -> e.getString("eventId").equals("evt-gc-dup"))
        .filter(e -> (e == original) == originalWon).count() * 2;
      assertThat(copies.stream().filter(r -> r.statusCode() == 200)).hasSize((int) sameAsStored);
      assertThat(copies.stream().filter(r -> r.statusCode() == 409)).hasSize(copies.size() - (int) sameAsStored);
      assertThat(faults.applications("evt-gc-dup")).isEqualTo(1);
      assertThat(inbox.db().count("SELECT count(*) FROM webhook_events WHERE event_id LIKE 'evt-gc-dup-other-%'"))
        .isEqualTo(30);
    } finally {
      otherClient.close().await();
    }
  }

  /** Posts every event at once (the client keeps up to 100 connections) and returns the answers in order. */
  private static List<HttpResponse<Buffer>> postAll(TestService service, List<JsonObject> events) {
    List<Future<HttpResponse<Buffer>>> inFlight = service.sendCisiveAtOnce(events);
    Future.join(inFlight).await();
    return inFlight.stream().map(Future::result).toList();
  }

  private static JsonObject data(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonObject("data");
  }

  private static long metric(Pattern pattern) {
    String scrape = inbox.service().get("/metrics", null).bodyAsString();
    Matcher matcher = pattern.matcher(scrape);
    return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
  }
}
