package io.webhookinbox.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.TestDatabase;
import io.webhookinbox.support.TestService;

import java.net.URLEncoder;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * How fast payload searches answer over a big inbox (target: p95 under 200 ms at 5 million events in a 30-day
 * window): fills a fresh database with N events over the last {@code days} days, builds the payload index as V20
 * defines it, then times GET /api/webhooks/events?payload=… with the last 30 days as the window, for the searches
 * operators make: an order's client reference, an order id with a status (JSON containment), a candidate's email
 * (webhooks:pii) and a payment id. Run it with src/bench/payload-search.sh.
 */
public final class PayloadSearchBenchmark {
  private PayloadSearchBenchmark() {
  }

  public static void main(String[] args) {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 5_000_000;
    int calls = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int days = args.length > 2 ? Integer.parseInt(args[2]) : 30;
    System.out.printf("cores=%d events=%,d calls per kind=%d days=%d%n", Runtime.getRuntime().availableProcessors(),
      events, calls, days);
    String reuse = System.getenv("PAYLOAD_BENCH_REUSE");
    TestDatabase db = reuse == null ? PostgresExtension.createDatabase("payload_bench")
      : PostgresExtension.existingDatabase(reuse);
    System.out.println("database: " + db.name() + " (PAYLOAD_BENCH_REUSE=" + db.name() + " measures it again)");
    OffsetDateTime end = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS);
    if (reuse == null) {
      load(db, events, end.minusDays(days), days);
    }
    Vertx vertx = Vertx.vertx();
    JsonObject keepAll = new JsonObject().put("retention", new JsonObject().put("events", 0).put("dedupKeys", 0))
      .put("limits", new JsonObject().put("rate", new JsonObject().put("admin", new JsonObject().put("perSecond", 0))));
    try (TestService service = TestService.start(vertx, TestService.config(db, keepAll))) {
      String read = service.token("bench-reader", "webhooks:read");
      String pii = service.token("bench-privacy", "webhooks:read", "webhooks:pii");
      String from = URLEncoder.encode(end.minusDays(30).toString(), StandardCharsets.UTF_8);
      Random random = new Random(42);
      Map<String, IntFunction<String>> kinds = new LinkedHashMap<>();
      kinds.put("order.clientReference = REQ-<n> (read scope)", k -> "order.clientReference = REQ-" + k);
      kinds.put("{\"order\":{\"externalOrderId\":\"ORD-<n>\",\"status\":…}} (read scope)",
        k -> "{\"order\":{\"externalOrderId\":\"ORD-" + k + "\",\"status\":\"Created\"}}");
      kinds.put("order.candidate.email = person<n>@example.org (webhooks:pii)",
        k -> "order.candidate.email = person" + k + "@example.org");
      kinds.put("data.object.id = pi_<n> (read scope)", k -> "data.object.id = pi_" + k);
      List<Double> all = new ArrayList<>();
      for (Map.Entry<String, IntFunction<String>> kind : kinds.entrySet()) {
        String token = kind.getKey().contains("pii") ? pii : read;
        List<Double> millis = new ArrayList<>();
        long found = 0;
        for (int i = 0; i <= calls; i++) {
          int k = random.nextInt(events / 3);
          String path = "/api/webhooks/events?limit=50&from=" + from + "&payload="
            + URLEncoder.encode(kind.getValue().apply(k), StandardCharsets.UTF_8);
          long started = System.nanoTime();
          HttpResponse<Buffer> response = service.get(path, token);
          double ms = (System.nanoTime() - started) / 1e6;
          if (i == 0) {
            // The first call reads the index pages from disk: printed, never taken into the figures.
            System.out.printf("  warm-up %s: HTTP %d in %.0f ms%n", kind.getKey(), response.statusCode(), ms);
            continue;
          }
          if (response.statusCode() != 200) {
            throw new IllegalStateException(response.bodyAsString());
          }
          found += response.bodyAsJsonObject().getJsonObject("data").getJsonArray("events").size();
          millis.add(ms);
        }
        all.addAll(millis);
        print(kind.getKey() + String.format(", %.1f events found per search", found / (double) (calls + 1)), millis);
      }
      print("ALL SEARCHES (" + all.size() + " calls)", all);
      List<Double> broad = new ArrayList<>();
      for (int i = 0; i <= 20; i++) {
        long started = System.nanoTime();
        HttpResponse<Buffer> response = service.get("/api/webhooks/events?limit=50&from=" + from + "&payload="
          + URLEncoder.encode("order.status = OnHold", StandardCharsets.UTF_8), read);
        if (response.statusCode() != 200) {
          throw new IllegalStateException(response.bodyAsString());
        }
        if (i > 0) {
          broad.add((System.nanoTime() - started) / 1e6);
        }
      }
      print("order.status = OnHold (a sixth of the orders match; first page only)", broad);
    } finally {
      vertx.close().await();
    }
    explain(db, "a client reference, the newest day", "{\"order\":{\"clientReference\":\"REQ-12345\"}}", "1 day");
    explain(db, "a client reference, the rest of the window", "{\"order\":{\"clientReference\":\"REQ-12345\"}}",
      "30 days");
    explain(db, "a sixth of the orders, the newest day", "{\"order\":{\"status\":\"OnHold\"}}", "1 day");
    System.exit(0);
  }

  /** The plan the service's search gets: in a transaction with its GIN_FIRST setting. */
  private static void explain(TestDatabase db, String label, String containment, String window) {
    System.out.println("\nEXPLAIN ANALYZE, " + label + ":");
    try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
      connection.setAutoCommit(false);
      statement.execute("SET LOCAL enable_indexscan = off");
      try (ResultSet rows = statement.executeQuery("EXPLAIN (ANALYZE, BUFFERS) SELECT id FROM webhook_events"
        + " WHERE payload @> '" + containment + "' AND source = ANY('{cisive}')"
        + " AND received_at >= now() - interval '" + window + "' ORDER BY received_at DESC, id DESC LIMIT 51")) {
        while (rows.next()) {
          System.out.println("  " + rows.getString(1));
        }
      }
      connection.rollback();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void print(String label, List<Double> millis) {
    List<Double> sorted = new ArrayList<>(millis);
    Collections.sort(sorted);
    System.out.printf("%s: %d calls over HTTP after one warm-up: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms%n",
      label, sorted.size(), at(sorted, 0.50), at(sorted, 0.95), at(sorted, 0.99), sorted.get(sorted.size() - 1));
  }

  private static double at(List<Double> sorted, double q) {
    return sorted.get(Math.max(0, (int) Math.ceil(q * sorted.size()) - 1));
  }

  private static void load(TestDatabase db, int events, OffsetDateTime oldest, int days) {
    db.execute("SELECT webhook_inbox_add_partitions(?::date, ?::date)", oldest.toLocalDate().toString(),
      oldest.plusDays(days + 1).toLocalDate().toString());
    // Loaded without the index, which is then built once (as V20's callback builds it on an existing inbox).
    db.execute("DROP INDEX webhook_events_payload_idx");
    long started = System.nanoTime();
    int batch = 50_000;
    for (int first = 1; first <= events; first += batch) {
      int last = Math.min(events, first + batch - 1);
      db.execute(fill(first, last, events, oldest, days));
      if (last % 500_000 == 0 || last == events) {
        System.out.printf("  inserted %,d / %,d (%.0f s)%n", last, events, (System.nanoTime() - started) / 1e9);
      }
    }
    System.out.printf("load: %,d events in %.1f s%n", events, (System.nanoTime() - started) / 1e9);
    long indexing = System.nanoTime();
    db.execute("SET maintenance_work_mem = '256MB'");
    db.execute("CREATE INDEX webhook_events_payload_idx ON webhook_events USING gin (payload jsonb_path_ops)");
    System.out.printf("payload index built in %.1f s%n", (System.nanoTime() - indexing) / 1e9);
    db.execute("VACUUM ANALYZE webhook_events");
    System.out.printf("sizes: events %s, of which payload index %s%n",
      db.one("SELECT pg_size_pretty(sum(pg_total_relation_size(inhrelid))) AS s FROM pg_inherits"
        + " WHERE inhparent = 'webhook_events'::regclass").getString("s"),
      db.one("SELECT pg_size_pretty(sum(pg_relation_size(inhrelid))) AS s FROM pg_inherits"
        + " WHERE inhparent = 'webhook_events_payload_idx'::regclass").getString("s"));
  }

  /** Events first..last of n, spread evenly over the days from start: three Cisive events per order, a payment in four. */
  private static String fill(int first, int last, int n, OffsetDateTime start, int days) {
    String at = "timestamptz '" + start + "' + (g::float8 / " + n + ") * interval '" + days + " days'";
    String cisive = "jsonb_build_object('eventId', 'evt-bench-' || g, 'eventType', 'OrderUpdated',"
      + " 'occurredAt', to_char(" + at + ", 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), 'schemaVersion', '1.0',"
      + " 'order', jsonb_build_object('externalOrderId', 'ORD-' || (g / 3), 'clientReference', 'REQ-' || (g / 3),"
      + "   'status', (ARRAY['Created', 'Submitted', 'InProgress', 'OnHold', 'Completed', 'Cancelled'])[g % 6 + 1],"
      + "   'packageCode', 'PKG-' || (g % 20), 'orderedAt', '2026-11-01T09:00:00Z',"
      + "   'candidate', jsonb_build_object('firstName', 'First' || (g % 5003), 'lastName', 'Last' || (g % 7919),"
      + "     'email', 'person' || (g / 3) || '@example.org', 'dateOfBirth', '1980-01-01', 'phone', '+44 20 ' || g),"
      + "   'services', jsonb_build_array(jsonb_build_object('code', 'CRIM', 'status', 'Pending'),"
      + "     jsonb_build_object('code', (ARRAY['EDU', 'EMP', 'DRUG'])[g % 3 + 1], 'status', 'Complete'))))";
    String stripe = "jsonb_build_object('id', 'evt_' || g, 'object', 'event', 'type', 'payment_intent.succeeded',"
      + " 'created', 1764000000 + g, 'livemode', false, 'data', jsonb_build_object('object', jsonb_build_object("
      + "   'id', 'pi_' || (g / 4), 'object', 'payment_intent', 'amount', 100 + g % 10000, 'currency', 'eur',"
      + "   'status', 'succeeded', 'metadata', jsonb_build_object('orderId', 'ORD-' || (g / 3),"
      + "     'customerEmail', 'person' || (g / 3) || '@example.org'))))";
    return "WITH e AS (INSERT INTO webhook_events (source, event_id, event_type, external_id, payload, payload_sha256,"
      + " status, attempts, correlation_id, received_at, processed_at, processing_ms)"
      + " SELECT CASE WHEN g % 4 = 0 THEN 'stripe' ELSE 'cisive' END,"
      + " CASE WHEN g % 4 = 0 THEN 'evt_' || g ELSE 'evt-bench-' || g END,"
      + " CASE WHEN g % 4 = 0 THEN 'payment_intent.succeeded' ELSE 'OrderUpdated' END,"
      + " CASE WHEN g % 4 = 0 THEN 'pi_' || (g / 4) ELSE 'ORD-' || (g / 3) END,"
      + " CASE WHEN g % 4 = 0 THEN " + stripe + " ELSE " + cisive + " END, md5(g::text), 'processed', 1, md5(g::text),"
      + " " + at + ", " + at + ", 2 + g % 40"
      + " FROM generate_series(" + first + ", " + last + ") g"
      + " RETURNING event_id, source, received_at, payload_sha256)"
      + " INSERT INTO webhook_event_keys SELECT event_id, source, received_at, decode(payload_sha256, 'hex') FROM e";
  }
}
