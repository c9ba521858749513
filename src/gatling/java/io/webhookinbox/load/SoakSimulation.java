package io.webhookinbox.load;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * (f) A soak: steady unique Cisive events at a modest inbox.rate (default 20/s) for inbox.seconds (default 3600),
 * while a probe reads the service's heap from /metrics every inbox.sampleSeconds (default 30). At the end a
 * "drift check" request is KO when the p99 of the last quarter exceeds inbox.maxLatencyGrowth (default 2) times
 * the first quarter's (plus 20 ms), or the lowest heap of the last quarter exceeds the first quarter's by more than
 * inbox.maxHeapGrowthMb (default 128). The figures are printed at the end.
 */
public class SoakSimulation extends Simulation {
  private final LoadSettings settings = LoadSettings.load(20, 3600);
  private final Duration sample = Duration.ofSeconds(Long.getLong("inbox.sampleSeconds", 30));
  private final double maxLatencyGrowth = Double.parseDouble(System.getProperty("inbox.maxLatencyGrowth", "2"));
  private final long maxHeapGrowthMb = Long.getLong("inbox.maxHeapGrowthMb", 128);
  private final long started = System.nanoTime();
  /** (elapsed ms, value) pairs: delivery latencies and heap samples. */
  private final List<long[]> latencies = new ArrayList<>();
  private final List<long[]> heap = new ArrayList<>();

  private final ScenarioBuilder deliveries = scenario("Soak: steady unique Cisive events")
    .exec(CisiveLoad.steadyDelivery(settings))
    .exec(session -> {
      if (session.contains("latency")) {
        record(latencies, session.getLong("latency"));
      }
      return session;
    });

  private final ScenarioBuilder probe = scenario("Soak: heap probe and drift check")
    .during(settings.duration).on(
      exec(http("GET /metrics").get("/metrics").check(status().is(200), bodyString().saveAs("metrics")))
        .exec(session -> {
          record(heap, heapBytes(session.getString("metrics")));
          return session.remove("metrics");
        })
        .pause(sample))
    .exec(http("drift check").get("/health/live")
      .check(status().is(200), bodyString().transform(ignored -> verdict()).is("no drift")));

  private synchronized void record(List<long[]> series, long value) {
    series.add(new long[] {Duration.ofNanos(System.nanoTime() - started).toMillis(), value});
  }

  /** Heap in use: the sum of jvm_memory_used_bytes{area="heap"} over the pools. */
  private static long heapBytes(String metrics) {
    return (long) metrics.lines().filter(line -> line.startsWith("jvm_memory_used_bytes{area=\"heap\""))
      .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }

  private synchronized String verdict() {
    long span = settings.duration.toMillis();
    long firstP99 = p99(window(latencies, 0, span / 4));
    long lastP99 = p99(window(latencies, span * 3 / 4, Long.MAX_VALUE));
    long firstHeapMb = min(window(heap, 0, span / 4)) >> 20;
    long lastHeapMb = min(window(heap, span * 3 / 4, Long.MAX_VALUE)) >> 20;
    String figures = String.format(Locale.ROOT, "p99 first quarter %d ms, last quarter %d ms; lowest heap first quarter"
      + " %d MB, last quarter %d MB (%d latency samples, %d heap samples)", firstP99, lastP99, firstHeapMb, lastHeapMb,
      latencies.size(), heap.size());
    System.out.println("soak: " + figures);
    boolean latencyDrift = lastP99 > firstP99 * maxLatencyGrowth + 20;
    boolean heapDrift = lastHeapMb - firstHeapMb > maxHeapGrowthMb;
    return latencyDrift || heapDrift ? "drift: " + figures : "no drift";
  }

  private static List<Long> window(List<long[]> series, long fromMs, long toMs) {
    return series.stream().filter(point -> point[0] >= fromMs && point[0] < toMs).map(point -> point[1]).toList();
  }

  private static long p99(List<Long> values) {
    if (values.isEmpty()) {
      return 0;
    }
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(sorted.size() * 0.99) - 1));
  }

  private static long min(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).min().orElse(0);
  }

  {
    setUp(deliveries.injectOpen(constantUsersPerSec(settings.rate).during(settings.duration)),
      probe.injectOpen(atOnceUsers(1)))
      .protocols(settings.protocol())
      .maxDuration(settings.maxDuration())
      .assertions(settings.assertions());
  }
}
