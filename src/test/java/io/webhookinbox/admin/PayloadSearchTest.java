package io.webhookinbox.admin;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.InboxExtension;
import io.webhookinbox.support.PostgresExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * GET /api/webhooks/events?payload=: JSON containment and path = value, served by the partitioned GIN index, and
 * personal-data paths only for webhooks:pii.
 */
@ExtendWith(PostgresExtension.class)
class PayloadSearchTest {
  @RegisterExtension
  static final InboxExtension inbox = new InboxExtension();

  @BeforeAll
  static void events() {
    JsonObject first = CisiveEvents.created("evt-ps-1", "ORD-PS-1");
    first.getJsonObject("order").put("clientReference", "REQ-PS-1");
    JsonObject second = CisiveEvents.created("evt-ps-2", "ORD-PS-2");
    second.getJsonObject("order").put("clientReference", "REQ-PS-2").put("status", "OnHold");
    assertThat(inbox.service().postCisive(first).statusCode()).isEqualTo(200);
    assertThat(inbox.service().postCisive(second).statusCode()).isEqualTo(200);
  }

  @Test
  void thePayloadIndexIsValidWithAPartOnEveryPartition() {
    assertThat(inbox.db().one("SELECT indisvalid FROM pg_index WHERE indexrelid = 'webhook_events_payload_idx'::regclass")
      .getBoolean("indisvalid")).isTrue();
    assertThat(inbox.db().count("""
      SELECT count(*) FROM pg_inherits p WHERE p.inhparent = 'webhook_events'::regclass
         AND NOT EXISTS (SELECT 1 FROM pg_inherits ih JOIN pg_index ci ON ci.indexrelid = ih.inhrelid
                          WHERE ih.inhparent = 'webhook_events_payload_idx'::regclass AND ci.indrelid = p.inhrelid)"""))
      .as("partitions without their part of the payload index").isZero();
    // A partition made later (the retention verticle makes them ahead) gets its part when attached.
    inbox.db().execute("SELECT webhook_inbox_add_partitions(current_date + 40, current_date + 40)");
    assertThat(inbox.db().one("SELECT indisvalid FROM pg_index WHERE indexrelid = 'webhook_events_payload_idx'::regclass")
      .getBoolean("indisvalid")).isTrue();
  }

  /**
   * A delivery's index entries go to the index's pending list; the service merges that list four times a second,
   * so no delivery merges it inline (which held a whole group commit for 100-200 ms).
   */
  @Test
  void theServiceMergesThePendingListOffTheDeliveryPath() {
    double before = flushedPages();
    JsonObject event = CisiveEvents.created("evt-ps-flush", "ORD-PS-FLUSH");
    event.getJsonObject("order").put("clientReference", "REQ-PS-FLUSH");
    assertThat(inbox.service().postCisive(event).statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> flushedPages() > before);
    assertThat(ids(search("order.clientReference = REQ-PS-FLUSH", inbox.service().readToken())))
      .containsExactly("evt-ps-flush");
  }

  private static double flushedPages() {
    Matcher counter = Pattern.compile("(?m)^webhook_payload_index_flushed_pages_total(?:\\{[^}]*\\})? (\\S+)$")
      .matcher(inbox.service().get("/metrics", null).bodyAsString());
    return counter.find() ? Double.parseDouble(counter.group(1)) : 0;
  }

  @Test
  void pathEqualsValueFindsTheEventWithoutPersonalDataScope() {
    assertThat(ids(search("order.clientReference = REQ-PS-1", inbox.service().readToken()))).containsExactly("evt-ps-1");
    assertThat(ids(search("order.services[].code = CRIM", inbox.service().readToken())))
      .contains("evt-ps-1", "evt-ps-2");
  }

  @Test
  void jsonContainmentFindsTheEvent() {
    assertThat(ids(search("{\"order\":{\"status\":\"OnHold\",\"externalOrderId\":\"ORD-PS-2\"}}",
      inbox.service().readToken()))).containsExactly("evt-ps-2");
  }

  @Test
  void aPersonalDataPathNeedsThePiiScope() {
    String path = "order.candidate.email = " + CisiveEvents.EMAIL;
    HttpResponse<Buffer> refused = search(path, inbox.service().adminToken());
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.bodyAsString()).contains("webhooks:pii").doesNotContain(CisiveEvents.EMAIL);
    String pii = inbox.service().token("privacy-officer", "webhooks:read", "webhooks:pii");
    assertThat(ids(search(path, pii))).contains("evt-ps-1", "evt-ps-2");
    // A property the sender added unannounced is not on the allow-list either.
    assertThat(search("order.notes = x", inbox.service().readToken()).statusCode()).isEqualTo(403);
  }

  /** A search reads the newest day, then the six days before, then the rest: its pages run across all three. */
  @Test
  void aSearchFindsAndPagesEventsOfEveryWeekOfItsWindowNewestFirst() {
    inbox.db().execute("SELECT webhook_inbox_add_partitions(current_date - 25, current_date)");
    for (String id : List.of("evt-aged-1", "evt-aged-2", "evt-aged-3", "evt-aged-4")) {
      JsonObject event = CisiveEvents.created(id, "ORD-" + id);
      event.getJsonObject("order").put("clientReference", "REQ-AGED");
      assertThat(inbox.service().postCisive(event).statusCode()).isEqualTo(200);
    }
    inbox.db().execute("UPDATE webhook_events SET received_at = received_at - interval '3 days'"
      + " WHERE event_id IN ('evt-aged-2', 'evt-aged-3')");
    inbox.db().execute("UPDATE webhook_events SET received_at = received_at - interval '20 days'"
      + " WHERE event_id = 'evt-aged-4'");
    String read = inbox.service().readToken();
    assertThat(ids(search("order.clientReference = REQ-AGED", read)))
      .containsExactly("evt-aged-1", "evt-aged-3", "evt-aged-2", "evt-aged-4");

    List<String> paged = new java.util.ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      HttpResponse<Buffer> response = inbox.service().get("/api/webhooks/events?limit=1&payload="
        + URLEncoder.encode("order.clientReference = REQ-AGED", StandardCharsets.UTF_8)
        + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)), read);
      paged.addAll(ids(response));
      cursor = response.bodyAsJsonObject().getJsonObject("data").getString("nextCursor");
    } while (cursor != null && ++pages < 10);
    assertThat(paged).containsExactly("evt-aged-1", "evt-aged-3", "evt-aged-2", "evt-aged-4");
    // A window's lower bound leaves out what is older, also when it falls inside a week.
    String from = URLEncoder.encode(java.time.OffsetDateTime.now().minusDays(10).toString(), StandardCharsets.UTF_8);
    assertThat(ids(inbox.service().get("/api/webhooks/events?from=" + from + "&payload="
      + URLEncoder.encode("order.clientReference = REQ-AGED", StandardCharsets.UTF_8), read)))
      .containsExactly("evt-aged-1", "evt-aged-3", "evt-aged-2");
  }

  @Test
  void malformedSearchesAreRefusedNamingTheParameter() {
    for (String bad : List.of("{not json", "[1,2]", "no equals sign", "{}")) {
      HttpResponse<Buffer> response = search(bad, inbox.service().readToken());
      assertThat(response.statusCode()).as(bad).isEqualTo(400);
      assertThat(response.bodyAsJsonObject().getJsonObject("error").getJsonArray("fieldErrors").getJsonObject(0)
        .getString("field")).isEqualTo("payload");
    }
  }

  private static HttpResponse<Buffer> search(String payload, String token) {
    return inbox.service().get("/api/webhooks/events?payload=" + URLEncoder.encode(payload, StandardCharsets.UTF_8),
      token);
  }

  private static List<String> ids(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    JsonArray events = response.bodyAsJsonObject().getJsonObject("data").getJsonArray("events");
    return events.stream().map(event -> ((JsonObject) event).getString("eventId")).toList();
  }
}
