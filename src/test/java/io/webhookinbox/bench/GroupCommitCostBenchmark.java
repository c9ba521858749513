package io.webhookinbox.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import io.webhookinbox.Sources;
import io.webhookinbox.db.Pools;
import io.webhookinbox.events.EventStore;
import io.webhookinbox.events.NewEvent;
import io.webhookinbox.source.SourceApplier;
import io.webhookinbox.sources.cisive.CisiveSource;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.Deliveries;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.TestDatabase;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * PostgreSQL's own cost of the group commit, without the service or a load generator on the same cores: one
 * connection runs the service's batch statement (as the service prepares it) with batches of Cisive deliveries
 * (70 % updates of 100,000 existing orders, every event id new), one transaction each, and reads its backend's CPU
 * time from /proc. Per batch size, five ways: as shipped; without the statistics rollup trigger, without the erasure
 * guards, without either (ALTER TABLE ... DISABLE TRIGGER in the benchmark's own database); and planned at each
 * execution (what the statement would cost if it were not kept prepared).
 * Modes and sizes take turns in each round, so a slow stretch of the machine touches them alike; a fourth argument
 * picks modes by number (1 as shipped ... 5 planned each time), e.g. one mode alone while a profiler samples the
 * backend, whose pid goes to stderr. Run it with src/bench/group-commit-cost.sh; the database must run on this
 * machine (embedded, or TEST_DATABASE_URL at a local server).
 */
public final class GroupCommitCostBenchmark {
  /** The statement triggers a Cisive group commit fires, by what they keep: the rollups and the erasure guards. */
  private static final List<String> ROLLUP_TRIGGERS = List.of("webhook_events webhook_event_stats_inserted");
  private static final List<String> ERASURE_TRIGGERS = List.of("webhook_events webhook_events_keep_erased",
    "orders orders_inserted_keep_erased", "orders orders_keep_erased");
  private static final List<String> ALL_TRIGGERS = Stream.concat(ROLLUP_TRIGGERS.stream(), ERASURE_TRIGGERS.stream())
    .toList();
  private static final List<Mode> MODES = List.of(
    new Mode("as shipped", List.of(), false),
    new Mode("without the rollup trigger", ROLLUP_TRIGGERS, false),
    new Mode("without the erasure triggers", ERASURE_TRIGGERS, false),
    new Mode("without any trigger", ALL_TRIGGERS, false),
    new Mode("planned each time", List.of(), true));
  private static final int EXISTING_ORDERS = 100_000;
  private static final long TICKS_PER_SECOND = 100;

  private final SqlConnection connection;
  private final String statement;
  private final Random random = new Random(24);
  private int sequence;

  private GroupCommitCostBenchmark(SqlConnection connection, String statement) {
    this.connection = connection;
    this.statement = statement;
  }

  public static void main(String[] args) throws Exception {
    List<Integer> sizes = args.length > 0 ? List.of(args[0].split(",")).stream().map(Integer::valueOf).toList()
      : List.of(8, 16, 32, 64);
    int eventsPerStep = args.length > 1 ? Integer.parseInt(args[1]) : 2_048;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    List<Mode> modes = args.length > 3
      ? Stream.of(args[3].split(",")).map(number -> MODES.get(Integer.parseInt(number) - 1)).toList() : MODES;
    TestDatabase db = PostgresExtension.createDatabase("group_commit_cost");
    Vertx vertx = Vertx.vertx();
    try {
      seed(db);
      JsonObject config = new JsonObject().put("database", db.configJson())
        .put("jwt", new JsonObject().put("issuer", "i").put("audience", "a"));
      Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
        .connectingTo(Pools.connectOptions(Sources.config(config).database(), 30)).using(vertx).build();
      SourceApplier applier = new CisiveSource().applier();
      GroupCommitCostBenchmark bench = new GroupCommitCostBenchmark(pool.getConnection().await(),
        EventStore.batchStatement(applier.batchUpsert(), applier.batchRank()));
      bench.run(db, sizes, eventsPerStep, rounds, modes);
    } finally {
      vertx.close().await();
      PostgresExtension.dropDatabase(db);
    }
  }

  private void run(TestDatabase db, List<Integer> sizes, int eventsPerStep, int rounds, List<Mode> modes)
    throws IOException {
    int backend = connection.query("SELECT pg_backend_pid()").execute().await().iterator().next().getInteger(0);
    Path process = Path.of("/proc", Integer.toString(backend));
    Path stat = process.resolve("stat");
    String title = Files.exists(stat) ? Files.readString(process.resolve("cmdline")) : "";
    if (!title.contains(db.name())) {
      throw new IllegalStateException("the database's backend is not a process of this machine: run PostgreSQL here");
    }
    System.err.println("PostgreSQL backend pid " + backend);
    // Warm-up: the statement prepared, its generic plan chosen, caches filled.
    for (int i = 0; i < 300; i++) {
      store(16);
    }
    long[][] ticks = new long[sizes.size()][modes.size()];
    long[][] nanos = new long[sizes.size()][modes.size()];
    for (int round = 0; round < rounds; round++) {
      for (int s = 0; s < sizes.size(); s++) {
        for (int mode = 0; mode < modes.size(); mode++) {
          switchTo(modes.get(mode));
          long cpuBefore = cpuTicks(stat);
          long started = System.nanoTime();
          for (int stored = 0; stored < eventsPerStep; stored += sizes.get(s)) {
            store(sizes.get(s));
          }
          ticks[s][mode] += cpuTicks(stat) - cpuBefore;
          nanos[s][mode] += System.nanoTime() - started;
        }
      }
    }
    System.out.println("| Batch | Mode | PostgreSQL CPU ms/event | Wall ms/event |");
    System.out.println("| --- | --- | --- | --- |");
    for (int s = 0; s < sizes.size(); s++) {
      double events = (double) rounds * (Math.ceil((double) eventsPerStep / sizes.get(s)) * sizes.get(s));
      for (int mode = 0; mode < modes.size(); mode++) {
        System.out.printf("| %d | %s | %.3f | %.3f |%n", sizes.get(s), modes.get(mode).name(),
          ticks[s][mode] * 1000.0 / TICKS_PER_SECOND / events, nanos[s][mode] / 1e6 / events);
      }
    }
  }

  /** The existing orders the updates find, as src/bench/throughput.sh seeds them. */
  private static void seed(TestDatabase db) throws IOException {
    String script = Files.readString(Path.of("src/bench/throughput/service-orders.sql"));
    for (String sql : script.replaceAll("(?m)^--.*$", "").split(";\\s*\n")) {
      if (!sql.isBlank()) {
        db.execute(sql);
      }
    }
  }

  /** Enables every trigger but the mode's (the benchmark's own database: nothing else uses it). */
  private void switchTo(Mode mode) {
    for (String trigger : ALL_TRIGGERS) {
      String[] tableAndName = trigger.split(" ");
      connection.query("ALTER TABLE " + tableAndName[0] + (mode.disabled().contains(trigger) ? " DISABLE" : " ENABLE")
        + " TRIGGER " + tableAndName[1]).execute().await();
    }
    connection.query("SET plan_cache_mode = " + (mode.plannedEachTime() ? "force_custom_plan" : "auto")).execute()
      .await();
  }

  private void store(int size) {
    List<NewEvent> batch = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      int n = sequence++;
      boolean update = random.nextInt(100) < 70;
      String order = update ? "ORD-EXISTING-" + random.nextInt(EXISTING_ORDERS) : "ORD-COST-" + n;
      Instant now = Instant.now();
      JsonObject body = CisiveEvents.event("evt-cost-" + n, update ? "OrderUpdated" : "OrderCreated", now.toString(),
        order, update ? "InProgress" : "Created");
      batch.add(Deliveries.of(CisiveSource.NAME, body, order, OffsetDateTime.ofInstant(now, ZoneOffset.UTC),
        "corr-cost-" + n, "bench"));
    }
    connection.preparedQuery(statement).execute(EventStore.batchParams(CisiveSource.NAME, batch)).await();
  }

  private record Mode(String name, List<String> disabled, boolean plannedEachTime) {
  }

  private static long cpuTicks(Path stat) throws IOException {
    String text = Files.readString(stat);
    String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }
}
