package io.webhookinbox.bench;

import io.webhookinbox.Sources;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.webhookinbox.config.RetentionConfig;
import io.webhookinbox.retention.Retention;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.TestDatabase;
import io.webhookinbox.support.TestService;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * How fast GET /api/webhooks/statistics answers over a big inbox: fills a fresh database with N events spread over
 * 30 days (through the real trigger that keeps the rollup), then times the endpoint for a 30-day window whose ends
 * fall mid-hour, and prints the query plans. Run it with src/bench/statistics-benchmark.sh.
 */
public final class StatisticsBenchmark {
  private static final String[] SQL = {"ROLLUP_COUNTS", "ROLLUP_LATENCY", "RAW_COUNTS", "RAW_LATENCY", "RECENT_FAILURES"};

  private StatisticsBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 5_000_000;
    int calls = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    int days = args.length > 2 ? Integer.parseInt(args[2]) : 30;
    System.out.printf("cores=%d events=%,d calls=%d days=%d%n", Runtime.getRuntime().availableProcessors(), events,
      calls, days);
    // STATISTICS_BENCH_REUSE names a database this benchmark filled before (same events and days): no new load.
    String reuse = System.getenv("STATISTICS_BENCH_REUSE");
    TestDatabase db = reuse == null ? PostgresExtension.createDatabase("statistics_bench")
      : PostgresExtension.existingDatabase(reuse);
    System.out.println("database: " + db.name());
    OffsetDateTime end = reuse == null ? OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS)
      : OffsetDateTime.parse(db.one("SELECT to_char(max(received_at) AT TIME ZONE 'UTC',"
        + " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS t FROM webhook_events").getString("t"));
    OffsetDateTime oldest = end.minusDays(days);
    // The statistics window: the last 30 days.
    OffsetDateTime start = end.minusDays(30);
    if (reuse == null) {
      load(db, events, oldest, days);
    }
    printRollupSize(db, "compacted");

    Vertx vertx = Vertx.vertx();
    // The service keeps everything here; retention is measured on its own below.
    JsonObject keepAll = new JsonObject().put("retention", new JsonObject().put("events", 0).put("dedupKeys", 0));
    try (TestService service = TestService.start(vertx, TestService.config(db, keepAll))) {
      // The window starts and ends mid-hour, so both the rollup and the raw edges are read.
      String query = "/api/webhooks/statistics?startDate=" + encode(start.plusMinutes(17).toString()) + "&endDate="
        + encode(end.minusMinutes(23).toString());
      String token = service.readToken();
      HttpResponse<Buffer> first = service.get(query, token);
      JsonObject figures = first.bodyAsJsonObject().getJsonObject("data");
      System.out.println("figures: " + figures.copy().put("recentFailures", figures.getJsonArray("recentFailures").size()
        + " items").encode());
      time(service, query, token, calls, "/api/webhooks/statistics (30 days)");
      time(service, "/api/webhooks/events?limit=50", token, calls, "/api/webhooks/events?limit=50 (newest page)");
      time(service, "/api/webhooks/events/evt-bench-" + (events / 7), token, calls,
        "/api/webhooks/events/{id} (an event " + (days - days / 7) + " days old)");
    } finally {
      vertx.close().await();
    }
    printPlans(db, start.plusMinutes(17), end.minusMinutes(23));
    if (days > 90) {
      // One day of keys past retention.dedupKeys, the days past 90 dropped: the first run after a long pause.
      RetentionConfig retention = new RetentionConfig(90, days - 1, 730, 7, 60);
      Vertx maintenance = Vertx.vertx();
      try {
        Retention.Report report = new Retention(maintenance, Sources.config(new JsonObject()
          .put("database", db.configJson()).put("jwt", new JsonObject().put("issuer", "i").put("audience", "a")))
          .database(), retention, () -> false).run().await();
        System.out.printf("retention run (%s): %d partitions dropped (%s .. %s), %,d keys deleted, %,d rollup rows"
            + " deleted, %,d ms%n", retention, report.partitionsDropped().size(), report.partitionsDropped().get(0),
          report.partitionsDropped().get(report.partitionsDropped().size() - 1), report.keysDeleted(),
          report.rollupRowsDeleted(), report.millis());
      } finally {
        maintenance.close().await();
      }
      System.out.printf("after retention: %,d events, %,d keys%n", db.count("SELECT count(*) FROM webhook_events"),
        db.count("SELECT count(*) FROM webhook_event_keys"));
    }
    System.exit(0);
  }

  private static void load(TestDatabase db, int events, OffsetDateTime oldest, int days) {
    db.execute("SELECT webhook_inbox_add_partitions(?::date, ?::date)", oldest.toLocalDate().toString(),
      oldest.plusDays(days).toLocalDate().toString());

    long loadStarted = System.nanoTime();
    // Many short transactions, as ingestion commits them (one huge one would keep every rollup row version alive).
    int batch = 10_000;
    for (int from = 1; from <= events; from += batch) {
      int to = Math.min(events, from + batch - 1);
      db.execute(fill(from, to, events, oldest, days));
      if (to % 500_000 == 0 || to == events) {
        System.out.printf("  inserted %,d / %,d%n", to, events);
      }
    }
    System.out.printf("load: %,d events with the rollup trigger in %.1f s%n", events,
      (System.nanoTime() - loadStarted) / 1e9);
    printRollupSize(db, "after the bulk load");
    // The loader commits 10,000 events per transaction, so each rollup row collects row versions that one-event
    // transactions (real ingestion) never leave behind: compact to the steady state before measuring. The
    // ingestion benchmark shows the rollup staying that small under real HTTP traffic.
    db.execute("VACUUM FULL webhook_event_stats");
    db.execute("VACUUM FULL webhook_event_latency");
    db.execute("VACUUM ANALYZE webhook_events");
    db.execute("VACUUM ANALYZE webhook_event_keys");
    System.out.printf("inbox size: events %s, keys %s%n",
      db.one("SELECT pg_size_pretty(sum(pg_total_relation_size(inhrelid))) AS s FROM pg_inherits"
        + " WHERE inhparent = 'webhook_events'::regclass").getString("s"),
      db.one("SELECT pg_size_pretty(pg_total_relation_size('webhook_event_keys')) AS s").getString("s"));
    db.execute("ANALYZE webhook_event_stats");
    db.execute("ANALYZE webhook_event_latency");
  }

  private static void time(TestService service, String path, String token, int calls, String label) {
    service.get(path, token);
    List<Double> millis = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      long started = System.nanoTime();
      HttpResponse<Buffer> response = service.get(path, token);
      millis.add((System.nanoTime() - started) / 1e6);
      if (response.statusCode() != 200) {
        throw new IllegalStateException(response.bodyAsString());
      }
    }
    Collections.sort(millis);
    System.out.printf("GET %s over HTTP, %d calls after one warm-up: min %.1f ms, median %.1f ms, p95 %.1f ms,"
        + " max %.1f ms%n", label, calls, millis.get(0), millis.get(millis.size() / 2),
      millis.get((int) Math.ceil(0.95 * millis.size()) - 1), millis.get(millis.size() - 1));
  }

  static void printRollupSize(TestDatabase db, String when) {
    System.out.printf("rollup %s: %,d count rows in %s, %,d latency rows in %s%n", when,
      db.count("SELECT count(*) FROM webhook_event_stats"),
      db.one("SELECT pg_size_pretty(pg_table_size('webhook_event_stats')) AS s").getString("s"),
      db.count("SELECT count(*) FROM webhook_event_latency"),
      db.one("SELECT pg_size_pretty(pg_table_size('webhook_event_latency')) AS s").getString("s"));
  }

  /**
   * Events from..to of n, spread evenly over the days from start, with a realistic mix of outcomes and times, each
   * with its key as ingestion stores it.
   */
  private static String fill(int from, int to, int n, OffsetDateTime start, int days) {
    String at = "timestamptz '" + start + "' + (g::float8 / " + n + ") * interval '" + days + " days'";
    return "WITH e AS (INSERT INTO webhook_events (source, event_id, event_type, external_id, payload, payload_sha256, status,"
      + " attempts, correlation_id, received_at, processed_at, processing_ms, last_error)"
      + " SELECT CASE WHEN g % 4 = 0 THEN 'stripe' ELSE 'cisive' END, 'evt-bench-' || g,"
      + " (ARRAY['OrderCreated', 'OrderUpdated', 'OrderUpdated', 'payment_intent.succeeded'])[g % 4 + 1],"
      + " 'X-' || (g / 3), '{\"bench\":true}', md5(g::text), s.status,"
      + " CASE s.status WHEN 'dead' THEN 6 WHEN 'failed' THEN 2 ELSE 1 END, md5(g::text), " + at + ", " + at + ","
      + " CASE WHEN s.status IN ('processed', 'stale') THEN 2 + (g::bigint * 7919) % 40"
      + "   + CASE WHEN g % 50 = 0 THEN 400 ELSE 0 END END,"
      + " CASE WHEN s.status IN ('failed', 'dead') THEN 'SQLSTATE P0001: failure ' || g END"
      + " FROM generate_series(" + from + ", " + to + ") g,"
      + " LATERAL (SELECT CASE WHEN g % 997 = 0 THEN 'dead' WHEN g % 211 = 0 THEN 'failed'"
      + "   WHEN g % 101 = 0 THEN 'ignored' WHEN g % 29 = 0 THEN 'stale' ELSE 'processed' END AS status) s"
      + " RETURNING event_id, source, received_at, payload_sha256)"
      + " INSERT INTO webhook_event_keys SELECT event_id, source, received_at, decode(payload_sha256, 'hex') FROM e";
  }

  private static void printPlans(TestDatabase db, OffsetDateTime start, OffsetDateTime end) throws Exception {
    OffsetDateTime firstHour = start.truncatedTo(ChronoUnit.HOURS).plusHours(1);
    OffsetDateTime lastHour = end.truncatedTo(ChronoUnit.HOURS);
    for (String name : SQL) {
      var field = Class.forName("io.webhookinbox.admin.Statistics").getDeclaredField(name);
      field.setAccessible(true);
      String sql = ((String) field.get(null));
      Object[] params = switch (name) {
        case "ROLLUP_COUNTS", "ROLLUP_LATENCY" -> new Object[] {firstHour, lastHour, null};
        case "RAW_COUNTS" -> new Object[] {start, firstHour, lastHour, end, start, end, null};
        case "RAW_LATENCY" -> new Object[] {start, firstHour, lastHour, end, null};
        default -> new Object[] {start, end, null};
      };
      System.out.println("\nEXPLAIN (ANALYZE, BUFFERS) " + name + ":");
      for (JsonObject row : db.query("EXPLAIN (ANALYZE, BUFFERS) " + withLiterals(sql, params))) {
        System.out.println("  " + row.getString("QUERY PLAN"));
      }
    }
  }

  /** The service's SQL text with its $n placeholders replaced by the benchmark's values (for EXPLAIN). */
  private static String withLiterals(String sql, Object[] params) {
    String result = sql;
    for (int i = params.length; i >= 1; i--) {
      String literal = params[i - 1] == null ? "NULL" : "'" + params[i - 1] + "'::timestamptz";
      result = result.replace("$" + i + "::text", params[i - 1] == null ? "NULL::text" : literal)
        .replace("$" + i, literal);
    }
    return result;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
