package io.webhookinbox.audit;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.InboxExtension;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The operators' audit trail through real HTTP over a real database: a row for every change (who, what,
 * parameters, outcome, correlation id) written in the change's own transaction, refused attempts too, the listing
 * with filters and keyset pagination, and a table the service's own role cannot rewrite.
 */
@ExtendWith(PostgresExtension.class)
class AuditTrailTest {
  private static final String CONFIGURATION = "/api/webhooks/configuration";
  @RegisterExtension
  static final InboxExtension inbox = new InboxExtension();

  @Test
  void configurationChangesAndOverrideRemovalsAreRecordedWithWhoWhatAndCorrelationId() {
    TestService service = inbox.service();
    String alice = service.token("alice", "webhooks:admin");
    HttpResponse<Buffer> put = service.send(service.client().put(CONFIGURATION),
      new JsonObject().put("maxRetries", 7).toBuffer(), alice, "application/json", Map.of("X-Correlation-ID", "corr-cfg-put"));
    assertThat(put.statusCode()).isEqualTo(200);
    long version = put.bodyAsJsonObject().getJsonObject("data").getJsonObject("lastChange").getLong("version");

    JsonObject entry = entry("corr-cfg-put");
    assertThat(entry.getString("actor")).isEqualTo("alice");
    assertThat(entry.getString("action")).isEqualTo("configuration.update");
    assertThat(entry.getString("outcome")).isEqualTo("succeeded");
    assertThat(entry.getValue("target")).isNull();
    assertThat(entry.getJsonObject("parameters")).isEqualTo(new JsonObject()
      .put("overrides", new JsonObject().put("retry", new JsonObject().put("maxAttempts", 7))));
    assertThat(entry.getJsonObject("result").getLong("version")).isEqualTo(version);
    assertThat(Instant.parse(entry.getString("recordedAt"))).isBefore(Instant.now().plusSeconds(1));

    HttpResponse<Buffer> removed = service.send(service.client().delete(CONFIGURATION + "/overrides"), null, alice,
      null, Map.of("X-Correlation-ID", "corr-cfg-delete"));
    assertThat(removed.statusCode()).isEqualTo(200);
    JsonObject removal = entry("corr-cfg-delete");
    assertThat(removal.getString("action")).isEqualTo("configuration.overrides.remove");
    assertThat(removal.getString("outcome")).isEqualTo("succeeded");
    assertThat(removal.getJsonObject("result").getLong("version")).isEqualTo(version + 1);
  }

  @Test
  void aRefusedConfigurationChangeIsRecordedWithTheReasonButNotTheValues() {
    TestService service = inbox.service();
    HttpResponse<Buffer> refused = service.send(service.client().put(CONFIGURATION),
      new JsonObject().put("timeoutSeconds", 0).put("endpointUrl", "https://secret-host.example/x").toBuffer(),
      service.token("bob", "webhooks:admin"), "application/json", Map.of("X-Correlation-ID", "corr-cfg-refused"));
    assertThat(refused.statusCode()).isEqualTo(400);

    JsonObject entry = entry("corr-cfg-refused");
    assertThat(entry.getString("actor")).isEqualTo("bob");
    assertThat(entry.getString("outcome")).isEqualTo("refused");
    assertThat(entry.getJsonObject("parameters").getJsonArray("fields")).containsExactly("endpointUrl", "timeoutSeconds");
    JsonObject result = entry.getJsonObject("result");
    assertThat(result.getInteger("httpStatus")).isEqualTo(400);
    assertThat(result.getInteger("code")).isEqualTo(5101);
    assertThat(result.getJsonArray("fieldErrors").getJsonObject(0).getString("field")).isEqualTo("/timeoutSeconds");
    assertThat(entry.encode()).doesNotContain("secret-host");

    // Not a JSON body at all: still recorded, with no field names.
    assertThat(service.send(service.client().put(CONFIGURATION), Buffer.buffer("{oops"), service.adminToken(),
      "application/json", Map.of("X-Correlation-ID", "corr-cfg-malformed")).statusCode()).isEqualTo(400);
    assertThat(entry("corr-cfg-malformed").getJsonObject("parameters").getJsonArray("fields")).isEmpty();
    // Authentication and scope failures are the access log's, not the trail's.
    assertThat(service.send(service.client().put(CONFIGURATION), new JsonObject().put("maxRetries", 6).toBuffer(),
      service.readToken(), "application/json", Map.of("X-Correlation-ID", "corr-cfg-403")).statusCode()).isEqualTo(403);
    assertThat(entries("?limit=500")).noneMatch(e -> "corr-cfg-403".equals(e.getString("correlationId")));
  }

  @Test
  void manualReplaysAreRecordedAndRefusedOnesToo() {
    TestService service = inbox.service();
    storeDead("evt-audit-dead", "ORD-AUDIT-DEAD");
    String carol = service.token("carol", "webhooks:admin");
    assertThat(post("/api/webhooks/retry/evt-audit-dead?source=cisive", carol, "corr-replay-ok").statusCode())
      .isEqualTo(200);
    JsonObject replay = entry("corr-replay-ok");
    assertThat(replay.getString("action")).isEqualTo("replay.manual");
    assertThat(replay.getString("actor")).isEqualTo("carol");
    assertThat(replay.getString("target")).isEqualTo("evt-audit-dead");
    assertThat(replay.getJsonObject("parameters").getString("source")).isEqualTo("cisive");
    assertThat(replay.getString("outcome")).isEqualTo("succeeded");
    assertThat(replay.getJsonObject("result").getInteger("retryAttempt")).isEqualTo(1);

    service.postCisive(CisiveEvents.created("evt-audit-done", "ORD-AUDIT-DONE"));
    assertThat(post("/api/webhooks/retry/evt-audit-done", carol, "corr-replay-409").statusCode()).isEqualTo(409);
    JsonObject conflict = entry("corr-replay-409");
    assertThat(conflict.getString("outcome")).isEqualTo("refused");
    assertThat(conflict.getString("target")).isEqualTo("evt-audit-done");
    assertThat(conflict.getJsonObject("result").getInteger("httpStatus")).isEqualTo(409);
    assertThat(conflict.getJsonObject("result").getInteger("code")).isEqualTo(5117);

    assertThat(post("/api/webhooks/retry/evt-audit-nope", carol, "corr-replay-404").statusCode()).isEqualTo(404);
    assertThat(entry("corr-replay-404").getJsonObject("result").getInteger("httpStatus")).isEqualTo(404);
  }

  @Test
  void bulkReplaysAreRecordedWithTheirFiltersAndTheEventsTheyRequeued() {
    TestService service = inbox.service();
    storeDead("evt-audit-bulk", "ORD-AUDIT-BULK");
    inbox.db().execute("UPDATE webhook_events SET event_type = 'OrderUpdated' WHERE event_id = 'evt-audit-bulk'");
    HttpResponse<Buffer> bulk = post("/api/webhooks/retry?status=dead&eventType=OrderUpdated&limit=10",
      service.token("dave", "webhooks:admin"), "corr-bulk-ok");
    assertThat(bulk.statusCode()).isEqualTo(200);
    JsonObject entry = entry("corr-bulk-ok");
    assertThat(entry.getString("action")).isEqualTo("replay.bulk");
    assertThat(entry.getString("actor")).isEqualTo("dave");
    assertThat(entry.getJsonObject("parameters").getString("status")).isEqualTo("dead");
    assertThat(entry.getJsonObject("parameters").getString("eventType")).isEqualTo("OrderUpdated");
    assertThat(entry.getJsonObject("parameters").getInteger("limit")).isEqualTo(10);
    assertThat(entry.getJsonObject("parameters").containsKey("caller")).isFalse();
    assertThat(entry.getJsonObject("result").getInteger("requeued")).isEqualTo(1);
    assertThat(entry.getJsonObject("result").getJsonArray("eventIds")).containsExactly("evt-audit-bulk");

    assertThat(post("/api/webhooks/retry?status=alive", service.adminToken(), "corr-bulk-400").statusCode()).isEqualTo(400);
    JsonObject refused = entry("corr-bulk-400");
    assertThat(refused.getString("outcome")).isEqualTo("refused");
    assertThat(refused.getJsonObject("parameters").getJsonArray("query")).containsExactly("status");
    assertThat(refused.getJsonObject("result").getJsonArray("fieldErrors").getJsonObject(0).getString("field"))
      .isEqualTo("status");
  }

  @Test
  void theListingFiltersAndPagesNewestFirstWithoutGapsOrRepeats() {
    TestService service = inbox.service();
    String since = Instant.now().minusMillis(1).toString();
    List<String> made = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      String correlationId = "corr-page-" + i;
      assertThat(post("/api/webhooks/retry?limit=0", service.adminToken(), correlationId).statusCode()).isEqualTo(400);
      made.add(0, correlationId);
    }
    List<String> seen = new ArrayList<>();
    List<String> times = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonObject page = data(service.get("/api/webhooks/audit?action=replay.bulk&limit=3&from=" + since
        + (cursor == null ? "" : "&cursor=" + cursor), service.adminToken()), 200);
      page.getJsonArray("entries").forEach(e -> {
        seen.add(((JsonObject) e).getString("correlationId"));
        times.add(((JsonObject) e).getString("recordedAt"));
      });
      assertThat(page.getInteger("count")).isLessThanOrEqualTo(3);
      cursor = page.getString("nextCursor");
      pages++;
    } while (cursor != null && pages < 10);
    assertThat(seen).containsExactlyElementsOf(made);
    assertThat(pages).isEqualTo(3);
    assertThat(times).isSortedAccordingTo((a, b) -> Instant.parse(b).compareTo(Instant.parse(a)));

    String until = Instant.parse(times.get(times.size() - 1)).plusNanos(1000).toString();
    assertThat(data(service.get("/api/webhooks/audit?action=replay.bulk&from=" + since + "&to=" + until,
      service.adminToken()), 200).getJsonArray("entries")).hasSize(1);
    assertThat(data(service.get("/api/webhooks/audit?action=personal-data.erase&from=" + since,
      service.adminToken()), 200).getJsonArray("entries")).isEmpty();
  }

  @Test
  void badParametersAre400AndTheListingNeedsTheAdminScope() {
    TestService service = inbox.service();
    for (String query : List.of("action=delete.everything", "limit=0", "limit=501", "cursor=not-a-cursor",
      "from=yesterday", "from=2026-11-25&to=2026-11-24")) {
      HttpResponse<Buffer> response = service.get("/api/webhooks/audit?" + query, service.adminToken());
      assertThat(response.statusCode()).as(query).isEqualTo(400);
      assertThat(response.bodyAsJsonObject().getJsonObject("error").getJsonArray("fieldErrors")).as(query).hasSize(1);
    }
    assertThat(service.get("/api/webhooks/audit", null).statusCode()).isEqualTo(401);
    assertThat(service.get("/api/webhooks/audit", service.readToken()).statusCode()).isEqualTo(403);
    assertThat(service.get("/api/webhooks/audit", service.ingestToken()).statusCode()).isEqualTo(403);
  }

  @Test
  void whenTheAuditRowCannotBeWrittenTheChangeIsRolledBack() {
    TestService service = inbox.service();
    storeDead("evt-audit-doomed", "ORD-AUDIT-DOOMED");
    inbox.db().execute("""
      CREATE FUNCTION test_refuse_doomed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.actor = 'doomed' THEN RAISE EXCEPTION 'audit write refused for the test'; END IF;
        RETURN NEW;
      END $$""");
    inbox.db().execute("CREATE TRIGGER test_refuse_doomed BEFORE INSERT ON operator_audit"
      + " FOR EACH ROW EXECUTE FUNCTION test_refuse_doomed()");
    try {
      String doomed = service.token("doomed", "webhooks:admin");
      long versionBefore = overridesVersion();
      assertThat(service.send(service.client().put(CONFIGURATION), new JsonObject().put("maxRetries", 9).toBuffer(),
        doomed, "application/json", Map.of()).statusCode()).isEqualTo(500);
      assertThat(overridesVersion()).isEqualTo(versionBefore);
      assertThat(service.server().settings().retry().maxAttempts()).isNotEqualTo(9);

      assertThat(post("/api/webhooks/retry/evt-audit-doomed", doomed, "corr-doomed-1").statusCode()).isEqualTo(500);
      assertThat(post("/api/webhooks/retry?status=dead&limit=1000", doomed, "corr-doomed-2").statusCode()).isEqualTo(500);
      JsonObject event = inbox.db().one("SELECT status, attempts FROM webhook_events WHERE event_id = 'evt-audit-doomed'");
      assertThat(event.getString("status")).isEqualTo("dead");
      assertThat(event.getInteger("attempts")).isEqualTo(1);
    } finally {
      inbox.db().execute("DROP TRIGGER test_refuse_doomed ON operator_audit");
    }
  }

  @Test
  void theServicesOwnRoleCannotUpdateDeleteOrTruncateTheTrail() throws SQLException {
    post("/api/webhooks/retry?limit=0", inbox.service().adminToken(), "corr-append-only");
    long rows = inbox.db().count("SELECT count(*) FROM operator_audit");
    assertThat(rows).isPositive();
    // The same role as the service's pool, and the table's owner: REVOKE alone would not bind it.
    assertThat(inbox.db().one("SELECT tableowner = current_user AS owner FROM pg_tables WHERE tablename = 'operator_audit'")
      .getBoolean("owner")).isTrue();
    try (Connection connection = inbox.db().connect(); Statement statement = connection.createStatement()) {
      for (String sql : List.of("UPDATE operator_audit SET actor = 'someone-else'", "DELETE FROM operator_audit",
        "TRUNCATE operator_audit")) {
        assertThatThrownBy(() -> statement.execute(sql)).as(sql).isInstanceOf(SQLException.class)
          .hasMessageContaining("append-only")
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
      }
    }
    assertThat(inbox.db().count("SELECT count(*) FROM operator_audit")).isEqualTo(rows);
    assertThat(inbox.db().count("SELECT count(*) FROM operator_audit WHERE actor = 'someone-else'")).isZero();
  }

  private static long overridesVersion() {
    return inbox.db().count("SELECT coalesce(max(version), 0) FROM runtime_overrides");
  }

  /** An event stored and then dead-lettered, as a failing one would end. */
  private static void storeDead(String eventId, String orderId) {
    assertThat(inbox.service().postCisive(CisiveEvents.created(eventId, orderId)).statusCode()).isEqualTo(200);
    inbox.db().execute("UPDATE webhook_events SET status = 'dead', attempts = 1 WHERE event_id = ?", eventId);
  }

  private static HttpResponse<Buffer> post(String pathAndQuery, String token, String correlationId) {
    TestService service = inbox.service();
    return service.send(service.client().post(pathAndQuery), null, token, null, Map.of("X-Correlation-ID", correlationId));
  }

  private static List<JsonObject> entries(String query) {
    JsonArray entries = data(inbox.service().get("/api/webhooks/audit" + query, inbox.service().adminToken()), 200)
      .getJsonArray("entries");
    List<JsonObject> list = new ArrayList<>();
    entries.forEach(e -> list.add((JsonObject) e));
    return list;
  }

  /** The one audit entry written for a request, found through the API. */
  static JsonObject entry(String correlationId) {
    List<JsonObject> found = entries("?limit=500").stream()
      .filter(e -> correlationId.equals(e.getString("correlationId"))).toList();
    assertThat(found).as("audit entries for %s", correlationId).hasSize(1);
    return found.get(0);
  }

  private static JsonObject data(HttpResponse<Buffer> response, int status) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    return response.bodyAsJsonObject().getJsonObject("data");
  }
}
