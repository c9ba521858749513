package io.webhookinbox.retry;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.FaultInjection;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.TestDatabase;
import io.webhookinbox.support.TestService;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.webhookinbox.events.EventClaims;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With a poll interval of ten minutes, only NOTIFY can make the first retry (due at once) run promptly: this is
 * what lets idle replicas poll rarely and still react at once.
 */
@ExtendWith({VertxExtension.class, PostgresExtension.class})
class RetryWakeUpTest {
  private static FaultInjection faults;

  @Test
  void aQueuedFailureWakesTheSchedulersAtOnce(Vertx vertx, TestDatabase db) {
    FaultInjection faults = faults(db);
    JsonObject config = TestService.config(db, new JsonObject()
      .put("scheduler", new JsonObject().put("pollIntervalMs", 600_000)));
    try (TestService service = TestService.start(vertx, config)) {
      faults.failOrder("ORD-WAKE-1");
      long posted = System.nanoTime();
      assertThat(service.postCisive(CisiveEvents.created("evt-wake-1", "ORD-WAKE-1")).statusCode()).isEqualTo(202);

      await().atMost(Duration.ofSeconds(10)).until(() -> db.count("SELECT count(*) FROM webhook_event_attempts a"
        + " JOIN webhook_events e ON e.id = a.event_row_id WHERE e.event_id = 'evt-wake-1'") >= 2);
      assertThat(Duration.ofNanos(System.nanoTime() - posted)).isLessThan(Duration.ofSeconds(10));
      assertThat(service.server().settings().scheduler().pollIntervalMs()).isEqualTo(600_000);
    }
  }

  @Test
  void aBurstOfFailuresWakesTheSchedulersAFewTimesNotOncePerFailure(Vertx vertx, TestDatabase db) throws Exception {
    FaultInjection faults = faults(db);
    int failures = 40;
    JsonObject config = TestService.config(db, new JsonObject()
      .put("scheduler", new JsonObject().put("enabled", false)));
    try (TestService service = TestService.start(vertx, config);
         Connection listener = db.connect(); Statement statement = listener.createStatement()) {
      statement.execute("LISTEN " + EventClaims.RETRY_CHANNEL);
      List<Future<HttpResponse<Buffer>>> posts = new ArrayList<>();
      long started = System.nanoTime();
      for (int i = 0; i < failures; i++) {
        faults.failOrder("ORD-BURST-" + i);
      }
      for (int i = 0; i < failures; i++) {
        posts.add(service.client().post(TestService.CISIVE_PATH)
          .putHeader("Authorization", "Bearer " + service.ingestToken())
          .putHeader("Content-Type", "application/json")
          .sendBuffer(CisiveEvents.created("evt-burst-" + i, "ORD-BURST-" + i).toBuffer()));
      }
      Future.all(posts).await();
      long burstMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
      assertThat(posts).allSatisfy(post -> assertThat(post.result().statusCode()).isEqualTo(202));

      // Each worker sends at most one NOTIFY per coalescing window (no retries run here: only first failures).
      int workers = service.server().config().ingest().instances();
      long bound = workers * (burstMs / 250 + 2);
      List<PGNotification> received = new ArrayList<>();
      long quietSince = System.nanoTime();
      while (Duration.ofNanos(System.nanoTime() - quietSince).toMillis() < 1500) {
        PGNotification[] batch = listener.unwrap(PGConnection.class).getNotifications(100);
        if (batch != null && batch.length > 0) {
          received.addAll(List.of(batch));
          quietSince = System.nanoTime();
        }
      }
      assertThat(received).isNotEmpty();
      assertThat((long) received.size()).as("burst of %d failures in %d ms", failures, burstMs)
        .isLessThanOrEqualTo(bound);
    }
  }

  /** The fault triggers, installed once in the class's database. */
  private static synchronized FaultInjection faults(TestDatabase db) {
    if (faults == null) {
      faults = FaultInjection.install(db);
    }
    return faults;
  }
}
