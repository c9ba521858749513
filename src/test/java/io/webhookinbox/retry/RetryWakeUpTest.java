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

  @Test
  void aQueuedFailureWakesTheSchedulersAtOnce(Vertx vertx, TestDatabase db) {
    FaultInjection faults = FaultInjection.install(db);
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
}
