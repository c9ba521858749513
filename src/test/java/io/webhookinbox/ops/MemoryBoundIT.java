package io.webhookinbox.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.json.JsonObject;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.ProcessClient;
import io.webhookinbox.support.ServiceProcess;
import io.webhookinbox.support.SlowStatements;
import io.webhookinbox.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Large bodies at the heap Kubernetes gives a replica (k8s/deployment.yaml: a 1 GiB memory limit, 75 % of it for
 * the heap). 128 deliveries of about 1 MB (the in-flight limit) arrive at once while the database holds every
 * write of orders, so every one the replica takes stays in memory meanwhile: the replica must refuse (503, 5121) what its memory
 * budget cannot hold instead of running out of memory; once the database goes on, every 200 is stored.
 */
@ExtendWith(PostgresExtension.class)
class MemoryBoundIT {
  private static final String CONTAINER_HEAP = "-Xmx768m -XX:+ExitOnOutOfMemoryError";
  private static final int DELIVERIES = 128;
  private static final int NOTES_CHARS = 1_000_000;

  @Test
  void largeBodiesHeldByASlowDatabaseStayWithinTheContainersHeap(TestDatabase db, @TempDir Path dir)
    throws Exception {
    // One sender sends them all: its own receive budget is raised so that the heap budget of the requests worked on,
    // the bound under test, is what refuses.
    Path work = ServiceProcess.workingDirectory(dir);
    Path config = work.resolve("conf/config.yaml");
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    Files.writeString(config, new JsonObject(yaml.readValue(config.toFile(), Map.class)).mergeIn(new JsonObject()
      .put("limits", new JsonObject().put("receivingPerClientMiB", 512)), true).encodePrettily());
    try (ProcessClient client = new ProcessClient();
         ServiceProcess service = ServiceProcess.start(work, client.environment(db,
           Map.of("JAVA_TOOL_OPTIONS", CONTAINER_HEAP, "PROCESSING_TIMEOUT_SECONDS", "60"))).awaitListening()) {
      assertThat(client.postCisive(CisiveEvents.created("evt-large-0", "ORD-LARGE"))).isEqualTo(200);
      String notes = "n".repeat(NOTES_CHARS);
      List<CompletableFuture<Integer>> deliveries = new ArrayList<>();
      try (SlowStatements slow = SlowStatements.onOrders(db)) {
        for (int i = 1; i <= DELIVERIES; i++) {
          JsonObject event = CisiveEvents.event("evt-large-" + i, "OrderUpdated",
            "2026-11-20T11:" + String.format("%02d:%02d", i / 60, i % 60) + "Z", "ORD-LARGE", "InProgress");
          event.getJsonObject("order").put("notes", notes);
          deliveries.add(client.postCisiveAsync(event));
        }
        // Everything the replica took is held in memory now; it must stay alive while the database is held.
        await().during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(20))
          .until(() -> service.process().isAlive());
        slow.release();
      }
      List<Integer> answers = new ArrayList<>();
      for (CompletableFuture<Integer> delivery : deliveries) {
        answers.add(delivery.get());
      }

      assertThat(service.process().isAlive()).isTrue();
      assertThat(answers).allSatisfy(status -> assertThat(status).isIn(200, 503)).contains(200);
      assertThat(client.get("/health/live").statusCode()).isEqualTo(200);
      long accepted = answers.stream().filter(status -> status == 200).count();
      assertThat(db.count("SELECT count(*) FROM webhook_events WHERE event_id LIKE 'evt-large-%'"))
        .isEqualTo(accepted + 1);
    }
  }
}
