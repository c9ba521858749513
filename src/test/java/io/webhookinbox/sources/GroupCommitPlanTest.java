package io.webhookinbox.sources;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.webhookinbox.events.EventStore;
import io.webhookinbox.events.NewEvent;
import io.webhookinbox.source.SourceApplier;
import io.webhookinbox.sources.cisive.CisiveSource;
import io.webhookinbox.sources.stripe.StripeSource;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.Deliveries;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.StripeEvents;
import io.webhookinbox.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What PostgreSQL does for one group commit, read from its own plan (EXPLAIN ANALYZE of the statement the service
 * runs, with a batch's parameters): a resource table is probed only for the resources the batch's upsert left alone
 * (stale events), at most once each, and the key table only for deliveries whose key was taken already, so the
 * database's work per event stays flat as batches grow and a batch of new events probes nothing twice.
 */
@ExtendWith(PostgresExtension.class)
class GroupCommitPlanTest {
  private static final int EVENTS = 32;
  private static final int EXISTING = 24;
  /** Of the existing resources, those that already reflect a newer event than the batch's: its events are stale. */
  private static final int NEWER = 8;

  private Vertx vertx;
  private Pool pool;

  @BeforeEach
  void connect(TestDatabase db) {
    vertx = Vertx.vertx();
    pool = PgBuilder.pool().connectingTo(new PgConnectOptions().setHost(db.host()).setPort(db.port())
      .setDatabase(db.name()).setUser(db.user()).setPassword(db.password())).using(vertx).build();
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void anOrderBatchProbesOnlyTheOrdersItLeavesAloneOnceEach(TestDatabase db) {
    db.execute("""
      INSERT INTO orders (external_order_id, status, package_code, client_reference, ordered_at, candidate, document,
                          last_event_id, last_event_occurred_at, created_by, created_correlation_id, updated_by,
                          updated_correlation_id, version)
      SELECT 'ORD-PLAN-' || g, 'Created', 'PKG', 'REF', now(), '{}', '{}', 'evt-seed-' || g,
             CASE WHEN g < ? THEN timestamptz '2027-01-01T00:00:00Z' ELSE timestamptz '2026-01-01T00:00:00Z' END,
             'seed', 'seed', 'seed', 'seed', 7
        FROM generate_series(0, ?) g""", NEWER, EXISTING - 1);
    List<NewEvent> batch = batch(CisiveSource.NAME, i -> CisiveEvents.event("evt-plan-" + i, "OrderUpdated",
      "2026-11-20T10:00:00Z", "ORD-PLAN-" + i, "InProgress"), "ORD-PLAN-");

    assertOnlyTheStaleProbed(db, new CisiveSource().applier(), batch, "orders");
  }

  @Test
  void aPaymentBatchProbesOnlyThePaymentsItLeavesAloneOnceEach(TestDatabase db) {
    db.execute("""
      INSERT INTO payments (payment_intent_id, status, document, last_event_id, last_event_type, last_event_created,
                            last_event_rank, created_correlation_id, updated_correlation_id, version)
      SELECT 'pi_plan_' || g, 'processing', '{}', 'evt_seed_' || g, 'payment_intent.payment_failed',
             CASE WHEN g < ? THEN timestamptz '2027-01-01T00:00:00Z' ELSE timestamptz '2026-01-01T00:00:00Z' END,
             1, 'seed', 'seed', 7
        FROM generate_series(0, ?) g""", NEWER, EXISTING - 1);
    long created = Instant.parse("2026-11-20T10:00:00Z").getEpochSecond();
    List<NewEvent> batch = batch(StripeSource.NAME, i -> StripeEvents.paymentIntent("evt_plan_" + i,
      "payment_intent.succeeded", "pi_plan_" + i, "succeeded", created), "pi_plan_");

    assertOnlyTheStaleProbed(db, new StripeSource().applier(), batch, "payments");
  }

  @Test
  void aBatchLooksUpOnlyTheKeysItFindsTaken(TestDatabase db) {
    List<NewEvent> first = batch(CisiveSource.NAME, i -> CisiveEvents.event("evt-keys-" + i, "OrderCreated",
      "2026-11-20T10:00:00Z", "ORD-KEYS-" + i, "Created"), "ORD-KEYS-");
    assertThat(probes(new CisiveSource().applier(), first, "webhook_event_keys")).isZero();

    // Half of the second batch re-sends events of the first (copies), half is new.
    List<NewEvent> second = batch(CisiveSource.NAME, i -> CisiveEvents.event("evt-keys-" + (i + EVENTS / 2),
      "OrderCreated", "2026-11-20T10:00:00Z", "ORD-KEYS-" + (i + EVENTS / 2), "Created"), "ORD-KEYS-", EVENTS / 2);
    assertThat(probes(new CisiveSource().applier(), second, "webhook_event_keys")).isEqualTo(EVENTS / 2);
    assertThat(db.count("SELECT count(*) FROM webhook_events WHERE event_id LIKE 'evt-keys-%'"))
      .isEqualTo(EVENTS + EVENTS / 2);
  }

  /**
   * The batch probed {@code table} once for each of the NEWER resources it left alone (seeded at version 7), changed
   * every other one (the seeded to 8, the new at 1), and stored the left-alone ones' events stale at version 7.
   */
  private void assertOnlyTheStaleProbed(TestDatabase db, SourceApplier applier, List<NewEvent> batch, String table) {
    assertThat(probes(applier, batch, table)).isEqualTo(NEWER);
    assertThat(db.count("SELECT count(*) FROM " + table + " WHERE version <> 7")).isEqualTo(EVENTS - NEWER);
    assertThat(db.count("SELECT count(*) FROM webhook_events WHERE source = ? AND status = 'stale'"
      + " AND resource_version = 7", batch.get(0).source())).isEqualTo(NEWER);
  }

  /** A batch of distinct events, one per resource: the first EXISTING update stored resources, the rest are new. */
  private static List<NewEvent> batch(String source, IntFunction<JsonObject> event, String resourcePrefix) {
    return batch(source, event, resourcePrefix, 0);
  }

  /** @param offset added to each event's index to name its resource */
  private static List<NewEvent> batch(String source, IntFunction<JsonObject> event, String resourcePrefix,
                                      int offset) {
    List<NewEvent> batch = new ArrayList<>();
    OffsetDateTime occurred = OffsetDateTime.of(2026, 11, 20, 10, 0, 0, 0, ZoneOffset.UTC);
    for (int i = 0; i < EVENTS; i++) {
      JsonObject body = event.apply(i);
      batch.add(Deliveries.of(source, body, resourcePrefix + (i + offset), occurred, "corr-plan-" + i, "plan-test"));
    }
    return batch;
  }

  /** The index probes of {@code table} while the batch statement ran, summed over the plan's nodes. */
  private long probes(SourceApplier applier, List<NewEvent> batch, String table) {
    String statement = EventStore.batchStatement(applier.batchUpsert(), applier.batchRank());
    JsonArray plan = pool.preparedQuery("EXPLAIN (ANALYZE, FORMAT JSON) " + statement)
      .execute(EventStore.batchParams(batch.get(0).source(), batch))
      .map(rows -> (JsonArray) rows.iterator().next().getValue(0)).await();
    return probes(plan.getJsonObject(0).getJsonObject("Plan"), table);
  }

  private static long probes(JsonObject node, String table) {
    long here = table.equals(node.getString("Relation Name")) && node.getString("Node Type").startsWith("Index")
      ? node.getLong("Actual Loops") : 0;
    JsonArray children = node.getJsonArray("Plans", new JsonArray());
    for (int i = 0; i < children.size(); i++) {
      here += probes(children.getJsonObject(i), table);
    }
    return here;
  }
}
