package io.webhookinbox.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.InboxExtension;
import io.webhookinbox.support.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The read scope sees an order's document through an allow-list: unknown properties are kept in the stored
 * document (the schema allows them), and any of them may carry personal data, so only known, non-personal fields
 * reach a {@code webhooks:read} caller, at every level.
 */
@ExtendWith(PostgresExtension.class)
class ReadScopeAllowListTest {
  @RegisterExtension
  static final InboxExtension inbox = new InboxExtension();

  @Test
  void unknownPropertiesAreHiddenFromTheReadScopeAndShownToAdmins() {
    JsonObject event = CisiveEvents.created("evt-allow-1", "ORD-ALLOW-1");
    JsonObject order = event.getJsonObject("order");
    order.put("candidateAddress", "1 Secret Street").put("refereeEmail", "referee@example.org");
    order.getJsonArray("services").getJsonObject(0).put("inspectorName", "Ida Inspector");
    assertThat(inbox.service().postCisive(event).statusCode()).isEqualTo(200);

    JsonObject read = inbox.service().get("/api/orders/ORD-ALLOW-1", inbox.service().readToken())
      .bodyAsJsonObject().getJsonObject("data");
    JsonObject document = read.getJsonObject("document");
    assertThat(document.fieldNames()).containsExactlyInAnyOrder("externalOrderId", "status", "packageCode",
      "clientReference", "orderedAt", "services");
    assertThat(document.getJsonArray("services")).isEqualTo(new JsonArray()
      .add(new JsonObject().put("code", "CRIM").put("status", "Pending"))
      .add(new JsonObject().put("code", "EDU").put("status", "Complete").put("completedAt", "2026-11-02T12:00:00+01:00")));
    assertThat(read.encode()).doesNotContain("Secret Street").doesNotContain("referee@")
      .doesNotContain("Ida Inspector").doesNotContain(CisiveEvents.LAST_NAME);

    JsonObject admin = inbox.service().get("/api/orders/ORD-ALLOW-1", inbox.service().adminToken())
      .bodyAsJsonObject().getJsonObject("data");
    assertThat(admin.getJsonObject("document").getString("candidateAddress")).isEqualTo("1 Secret Street");
    assertThat(admin.getJsonObject("document").getJsonArray("services").getJsonObject(0).getString("inspectorName"))
      .isEqualTo("Ida Inspector");
  }
}
