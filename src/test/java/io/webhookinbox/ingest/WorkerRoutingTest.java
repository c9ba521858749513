package io.webhookinbox.ingest;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.InboxExtension;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.TestDatabase;
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
 * A replica with four workers: copies of one event, sent at once, all reach the same worker, whose group commit
 * holds a copy back until the first is stored. Sent to different workers they would race on the event's key, and
 * the losing worker would roll its whole batch back and store it again one delivery at a time. Every statement
 * writing orders takes 200 ms here, so the copies surely arrive while the first one's transaction is open.
 */
@ExtendWith(PostgresExtension.class)
class WorkerRoutingTest {
  private static final Pattern RACE_FALLBACKS =
    Pattern.compile("webhook_group_commit_fallbacks_total\\{reason=\"race\",source=\"cisive\",?} (\\d+)(?:\\.0)?");

  @RegisterExtension
  static final InboxExtension inbox = new InboxExtension(new JsonObject()
    .put("ingest", new JsonObject().put("instances", 4).put("maxBatch", 16))
    .put("database", new JsonObject().put("poolSize", 13)), WorkerRoutingTest::slowOrderWrites);

  private static void slowOrderWrites(TestDatabase db) {
    db.execute("CREATE FUNCTION test_slow_order_writes() RETURNS trigger LANGUAGE plpgsql AS $$"
      + " BEGIN PERFORM pg_sleep(0.2); RETURN NULL; END $$");
    db.execute("CREATE TRIGGER test_slow_order_writes AFTER INSERT OR UPDATE ON orders"
      + " FOR EACH STATEMENT EXECUTE FUNCTION test_slow_order_writes()");
  }

  @Test
  void copiesSentAtOnceMeetInOneWorkerAndNeverRollABatchBack() {
    long fallbacksBefore = raceFallbacks();
    List<JsonObject> events = new ArrayList<>();
    for (int copy = 0; copy < 5; copy++) {
      for (int i = 0; i < 20; i++) {
        events.add(CisiveEvents.created("evt-route-" + i, "ORD-ROUTE-" + i));
      }
    }
    Collections.shuffle(events, new Random(11));

    List<Future<HttpResponse<Buffer>>> inFlight = inbox.service().sendCisiveAtOnce(events);
    Future.join(inFlight).await();

    Map<String, Long> answered = inFlight.stream().map(Future::result)
      .peek(response -> assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200))
      .collect(Collectors.groupingBy(r -> r.bodyAsJsonObject().getJsonObject("data").getString("status"),
        Collectors.counting()));
    assertThat(answered).containsOnly(Map.entry("processed", 20L), Map.entry("duplicate", 80L));
    assertThat(inbox.db().count("SELECT count(*) FROM webhook_events WHERE event_id LIKE 'evt-route-%'"))
      .isEqualTo(20);
    assertThat(inbox.db().count("SELECT count(*) FROM orders WHERE external_order_id LIKE 'ORD-ROUTE-%'"
      + " AND version = 1")).isEqualTo(20);
    assertThat(raceFallbacks() - fallbacksBefore).as("group commits rolled back by a race between workers").isZero();
  }

  private static long raceFallbacks() {
    String scrape = inbox.service().get("/metrics", null).bodyAsString();
    Matcher matcher = RACE_FALLBACKS.matcher(scrape);
    assertThat(matcher.find()).as("the fallback counter is exported from the start").isTrue();
    return Long.parseLong(matcher.group(1));
  }
}
