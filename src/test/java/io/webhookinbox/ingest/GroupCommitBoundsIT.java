package io.webhookinbox.ingest;

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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * While PostgreSQL stalls every group commit (a statement trigger that sleeps past the processing timeout), the
 * packaged service holds a bounded number of deliveries per worker and refuses the rest at once (503, 5121), and the
 * deliveries whose senders got 503 at the processing timeout are dropped, not stored after their answer.
 */
@ExtendWith(PostgresExtension.class)
class GroupCommitBoundsIT {
  private static final int MAX_QUEUED = 4;
  private static final int DELIVERIES = 30;

  @Test
  void aStalledDatabaseHoldsABoundedQueueAndDropsWhatItsSendersGaveUpOn(TestDatabase db, @TempDir Path dir)
    throws Exception {
    db.execute("CREATE TABLE test_stall (stalled boolean NOT NULL)");
    db.execute("INSERT INTO test_stall VALUES (false)");
    db.execute("""
      CREATE FUNCTION test_stall() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (SELECT stalled FROM test_stall) THEN
          PERFORM pg_sleep(10);
        END IF;
        RETURN NULL;
      END $$""");
    db.execute("CREATE TRIGGER test_stall BEFORE INSERT ON webhook_event_keys FOR EACH STATEMENT"
      + " EXECUTE FUNCTION test_stall()");
    Path work = ServiceProcess.workingDirectory(dir);
    Path config = work.resolve("conf/config.yaml");
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    Files.writeString(config, new JsonObject(yaml.readValue(config.toFile(), Map.class)).mergeIn(new JsonObject()
      .put("ingest", new JsonObject().put("instances", 1).put("maxQueued", MAX_QUEUED)), true).encodePrettily());
    try (ProcessClient client = new ProcessClient();
         ServiceProcess service = ServiceProcess.start(work, client.environment(db,
           Map.of("PROCESSING_TIMEOUT_SECONDS", "3"))).awaitListening()) {
      assertThat(client.postCisive(CisiveEvents.created("evt-bounds-0", "ORD-BOUNDS-0"))).isEqualTo(200);
      db.execute("UPDATE test_stall SET stalled = true");
      List<CompletableFuture<Long>> refusedAtOnce = new ArrayList<>();
      List<CompletableFuture<Integer>> answers = new ArrayList<>();
      for (int i = 1; i <= DELIVERIES; i++) {
        JsonObject event = CisiveEvents.created("evt-bounds-" + i, "ORD-BOUNDS-" + i);
        long started = System.nanoTime();
        CompletableFuture<Integer> answer = client.postCisiveAsync(event);
        answers.add(answer);
        refusedAtOnce.add(answer.thenApply(status -> TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)));
      }
      List<Integer> statuses = new ArrayList<>();
      for (CompletableFuture<Integer> answer : answers) {
        statuses.add(answer.get(30, TimeUnit.SECONDS));
      }
      assertThat(statuses).containsOnly(503);
      long quick = 0;
      for (CompletableFuture<Long> millis : refusedAtOnce) {
        quick += millis.get() < 1000 ? 1 : 0;
      }
      // One batch runs (stalled) and at most MAX_QUEUED deliveries wait behind it; the others are refused at once.
      assertThat(quick).isGreaterThanOrEqualTo(DELIVERIES - 1 - MAX_QUEUED);

      db.execute("UPDATE test_stall SET stalled = false");
      assertThat(client.postCisive(CisiveEvents.created("evt-bounds-after", "ORD-BOUNDS-AFTER"))).isEqualTo(200);
      // The stalled statement was cancelled at its deadline, and the queued deliveries had outlived their senders:
      // nothing answered 503 was stored afterwards.
      assertThat(db.count("SELECT count(*) FROM webhook_events WHERE event_id LIKE 'evt-bounds-%'"
        + " AND event_id NOT IN ('evt-bounds-0', 'evt-bounds-after')")).isZero();
    }
  }
}
