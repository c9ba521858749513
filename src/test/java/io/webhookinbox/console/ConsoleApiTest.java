package io.webhookinbox.console;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.TestDatabase;
import io.webhookinbox.support.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import java.util.stream.StreamSupport;

import static io.webhookinbox.console.ConsoleSession.data;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console over real HTTP and PostgreSQL, signed in locally on a development service: sessions, CSRF, the
 * security headers, masking and audited reveals, replays, four-eyes erasure and configuration changes, all through
 * the operator services and the audit trail.
 */
@ExtendWith(PostgresExtension.class)
class ConsoleApiTest {
  private static Vertx vertx;
  private static TestService service;
  private static TestDatabase db;

  @BeforeAll
  static void start(TestDatabase database) {
    db = database;
    vertx = Vertx.vertx();
    service = TestService.startForDevelopment(vertx, database, new JsonObject()
      .put("console", new JsonObject().put("fourEyes", new JsonObject().put("mode", "on").put("bulkReplayThreshold", 1))));
    assertThat(service.postCisive(CisiveEvents.created("evt-console-1", "ORD-CONSOLE-1")).statusCode()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    service.close();
    vertx.close().await();
  }

  private static ConsoleSession browser() {
    return new ConsoleSession(vertx, service.port());
  }

  @Test
  void pagesNeedASignInAndCarryTheSecurityHeaders() {
    ConsoleSession anonymous = browser();
    HttpResponse<Buffer> page = anonymous.get("/console/events");
    assertThat(page.statusCode()).isEqualTo(302);
    assertThat(page.getHeader("Location")).isEqualTo("/console/sign-in?next=%2Fconsole%2Fevents");
    String csp = page.getHeader("Content-Security-Policy");
    assertThat(csp).contains("script-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe-inline", "unsafe-eval");
    assertThat(page.getHeader("X-Frame-Options")).isEqualTo("DENY");
    HttpResponse<Buffer> bare = anonymous.get("/console");
    assertThat(bare.statusCode()).isEqualTo(302);
    assertThat(bare.getHeader("Location")).isEqualTo("/console/");
    HttpResponse<Buffer> root = anonymous.get("/console/");
    assertThat(root.statusCode()).isEqualTo(302);
    assertThat(root.getHeader("Location")).isEqualTo("/console/sign-in?next=%2Fconsole%2F");
    assertThat(anonymous.get("/console/api/me").statusCode()).isEqualTo(401);
    assertThat(anonymous.get("/console/assets/app.js").getHeader("Content-Type")).contains("javascript");

    ConsoleSession alice = browser();
    HttpResponse<Buffer> signIn = alice.client.get("/console/sign-in").send().await();
    assertThat(ConsoleSession.cookies(signIn)).anySatisfy(cookie -> assertThat(cookie).contains("wi_console=")
      .containsIgnoringCase("HttpOnly").contains("SameSite=Lax"));
    alice.signIn("alice", "webhooks:read");
    HttpResponse<Buffer> shell = alice.get("/console/events");
    assertThat(shell.statusCode()).isEqualTo(200);
    assertThat(shell.bodyAsString()).contains("<script type=\"module\" src=\"/console/assets/app.js\"></script>")
      .doesNotContain("<script>");
  }

  @Test
  void changesNeedTheSessionsCsrfTokenAndTheOrigin() {
    ConsoleSession alice = browser().signIn("alice", "webhooks:read");
    JsonObject search = new JsonObject().put("resourceId", "ORD-CONSOLE-1");
    assertThat(alice.send(alice.client.post("/console/api/events/search"), search, null).statusCode()).isEqualTo(403);
    assertThat(alice.send(alice.client.post("/console/api/events/search"), search, "forged").statusCode()).isEqualTo(403);
    assertThat(alice.send(alice.client.post("/console/api/events/search").putHeader("Origin", "https://evil.example"),
      search, alice.csrf).statusCode()).isEqualTo(403);
    JsonArray events = data(alice.post("/console/api/events/search", search), 200).getJsonArray("events");
    assertThat(events).hasSize(1);
  }

  @Test
  void aPayloadIsMaskedUntilAnOperatorWithThePiiScopeRevealsItAndTheRevealIsAudited() {
    ConsoleSession reader = browser().signIn("reader", "webhooks:read");
    HttpResponse<Buffer> masked = reader.get("/console/api/events/cisive/evt-console-1");
    JsonObject event = data(masked, 200);
    assertThat(masked.bodyAsString()).doesNotContain(CisiveEvents.EMAIL, CisiveEvents.LAST_NAME);
    JsonObject order = event.getJsonObject("payload").getJsonObject("order");
    assertThat(order.getString("clientReference")).isEqualTo("CLIENT-REF-7");
    assertThat(order.getJsonObject("candidate").getString("email")).isEqualTo("•••");
    assertThat(event.getJsonArray("history")).hasSize(1);
    assertThat(reader.post("/console/api/events/cisive/evt-console-1/reveal", new JsonObject()).statusCode())
      .isEqualTo(403);

    ConsoleSession officer = browser().signIn("officer", "webhooks:read", "webhooks:pii");
    JsonObject revealed = data(officer.post("/console/api/events/cisive/evt-console-1/reveal", new JsonObject()), 200);
    assertThat(revealed.getJsonObject("payload").getJsonObject("order").getJsonObject("candidate").getString("email"))
      .isEqualTo(CisiveEvents.EMAIL);
    assertThat(db.count("SELECT count(*) FROM operator_audit WHERE actor = 'officer' AND action = 'personal-data.reveal'"
      + " AND target = 'evt-console-1'")).isEqualTo(1);
  }

  @Test
  void anErasureRunsOnlyOnceASecondOperatorApprovesIt() {
    assertThat(service.postCisive(CisiveEvents.created("evt-console-erase", "ORD-CONSOLE-ERASE")).statusCode())
      .isEqualTo(200);
    ConsoleSession alice = browser().signIn("alice", "webhooks:read", "webhooks:admin");
    assertThat(alice.post("/console/api/resources/cisive/ORD-CONSOLE-ERASE/erase", new JsonObject()
      .put("confirm", "ORD-OTHER")).statusCode()).as("typed confirmation").isEqualTo(400);
    HttpResponse<Buffer> asked = alice.post("/console/api/resources/cisive/ORD-CONSOLE-ERASE/erase",
      new JsonObject().put("confirm", "ORD-CONSOLE-ERASE"));
    long id = data(asked, 202).getJsonObject("approval").getLong("id");
    assertThat(db.count("SELECT count(*) FROM orders WHERE external_order_id = 'ORD-CONSOLE-ERASE'"
      + " AND personal_data_erased_at IS NULL")).as("nothing erased yet").isEqualTo(1);
    assertThat(alice.post("/console/api/approvals/" + id + "/approve", new JsonObject()).statusCode())
      .as("the one who asked cannot approve").isEqualTo(403);

    ConsoleSession bob = browser().signIn("bob", "webhooks:read", "webhooks:admin");
    JsonObject approved = data(bob.post("/console/api/approvals/" + id + "/approve", new JsonObject()), 200);
    assertThat(approved.getString("status")).isEqualTo("approved");
    assertThat(db.count("SELECT count(*) FROM orders WHERE external_order_id = 'ORD-CONSOLE-ERASE'"
      + " AND personal_data_erased_at IS NOT NULL")).isEqualTo(1);
    assertThat(bob.post("/console/api/approvals/" + id + "/approve", new JsonObject()).statusCode())
      .as("runs once").isEqualTo(409);
    List<String> trail = db.query("SELECT actor || ' ' || action || ' ' || outcome AS row FROM operator_audit"
      + " WHERE target = 'ORD-CONSOLE-ERASE' ORDER BY id").stream().map(row -> row.getString("row")).toList();
    assertThat(trail).containsSubsequence("alice approval.request succeeded", "bob approval.approve succeeded",
      "bob personal-data.erase succeeded");
  }

  @Test
  void aConfigurationChangeIsCheckedReviewedAndSaved() {
    ConsoleSession alice = browser().signIn("alice", "webhooks:read", "webhooks:admin");
    HttpResponse<Buffer> wrong = alice.post("/console/api/configuration/check", new JsonObject().put("maxRetries", -1));
    assertThat(wrong.statusCode()).isEqualTo(400);
    assertThat(wrong.bodyAsJsonObject().getJsonObject("error").getJsonArray("fieldErrors").getJsonObject(0)
      .getString("field")).isEqualTo("/maxRetries");
    JsonArray changes = data(alice.post("/console/api/configuration/check", new JsonObject().put("maxRetries", 7)), 200)
      .getJsonArray("changes");
    assertThat(changes).containsExactly(new JsonObject().put("field", "maxRetries").put("from", 5).put("to", 7));
    assertThat(data(alice.put("/console/api/configuration", new JsonObject().put("maxRetries", 7)), 200)
      .getInteger("maxRetries")).isEqualTo(7);
    assertThat(db.count("SELECT count(*) FROM operator_audit WHERE actor = 'alice' AND action = 'configuration.update'"))
      .isEqualTo(1);
    ConsoleSession reader = browser().signIn("reader", "webhooks:read");
    assertThat(reader.put("/console/api/configuration", new JsonObject().put("maxRetries", 3)).statusCode())
      .isEqualTo(403);
  }

  @Test
  void signingOutEndsTheSession() {
    ConsoleSession alice = browser().signIn("alice", "webhooks:read");
    JsonObject answer = data(alice.post("/console/api/sign-out", new JsonObject()), 200);
    assertThat(answer.getString("location")).isEqualTo("/console/signed-out");
    assertThat(alice.get("/console/api/me").statusCode()).isEqualTo(401);
  }

  @Test
  void aSessionLastsItsIdleTimeFromEachUseAndIsOverOnceThatHasPassed() {
    ConsoleSession alice = browser().signIn("alice-idle", "webhooks:read");
    String id = StreamSupport.stream(alice.client.cookieStore().get(false, "127.0.0.1", "/console/api/me")
        .spliterator(), false)
      .filter(cookie -> cookie.name().equals("wi_console")).findFirst().orElseThrow().value();
    // The shipped idle timeout (30 minutes) as the session store holds it.
    assertThat(db.one("SELECT expires_at > now() + interval '29 minutes'"
      + " AND expires_at <= now() + interval '30 minutes' AS idle FROM console_sessions WHERE id = ?", id)
      .getBoolean("idle")).isTrue();

    db.execute("UPDATE console_sessions SET expires_at = now() - interval '1 second' WHERE id = ?", id);
    assertThat(alice.get("/console/api/me").statusCode()).isEqualTo(401);
  }
}
