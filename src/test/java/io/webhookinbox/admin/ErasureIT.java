package io.webhookinbox.admin;

import io.vertx.core.json.JsonObject;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.ProcessClient;
import io.webhookinbox.support.ServiceProcess;
import io.webhookinbox.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Erasure against the packaged service when the sender put personal data where the schema names none (the schema
 * keeps unknown properties): an email in {@code order.notes}, a name in a top-level {@code contactName}. After
 * {@code DELETE /api/orders/{id}/personal-data} no value of them is left in {@code orders} or {@code webhook_events}.
 */
@ExtendWith(PostgresExtension.class)
class ErasureIT {
  private static final List<String> PERSONAL = List.of(CisiveEvents.LAST_NAME, CisiveEvents.EMAIL,
    "ann.other@example.org", "Annabel Contact");

  @Test
  void personalDataTheSchemaDoesNotNameIsErasedEverywhere(TestDatabase db, @TempDir Path dir) {
    JsonObject event = CisiveEvents.created("evt-erasure-it-1", "ORD-ERASURE-IT");
    event.put("contactName", "Annabel Contact");
    event.getJsonObject("order").put("notes", "reach her at ann.other@example.org");
    try (ProcessClient client = new ProcessClient();
         ServiceProcess service = ServiceProcess.start(ServiceProcess.workingDirectory(dir),
           client.environment(db, Map.of())).awaitListening()) {
      assertThat(client.postCisive(event)).isEqualTo(200);
      assertThat(stored(db)).contains("ann.other@example.org").contains("Annabel Contact");

      ProcessClient.Answer erased = client.send(HttpRequest.newBuilder(URI.create(client.base()
          + "/api/orders/ORD-ERASURE-IT/personal-data"))
        .header("Authorization", "Bearer " + client.token("dpo", "webhooks:admin")).DELETE().build());
      assertThat(erased.statusCode()).as(erased.body()).isEqualTo(200);
      PERSONAL.forEach(value -> assertThat(erased.body()).doesNotContain(value));

      String after = stored(db);
      PERSONAL.forEach(value -> assertThat(after).doesNotContain(value));
      assertThat(after).contains("CLIENT-REF-7").contains("evt-erasure-it-1");
    }
  }

  /** Everything stored of the order: its row and its events, as text. */
  private static String stored(TestDatabase db) {
    return db.query("SELECT o::text AS t FROM orders o WHERE external_order_id = 'ORD-ERASURE-IT'"
      + " UNION ALL SELECT e::text FROM webhook_events e WHERE external_id = 'ORD-ERASURE-IT'").toString();
  }
}
