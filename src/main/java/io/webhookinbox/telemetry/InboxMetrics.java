package io.webhookinbox.telemetry;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The service's own meters. Label values come from fixed sets only (sources, known event types, outcomes), so
 * cardinality stays bounded whatever senders put in a body.
 */
public final class InboxMetrics {
  private final Set<String> knownTypes;
  private final Set<String> knownSources;

  private final PrometheusMeterRegistry registry;
  private final AtomicLong retryBacklog = new AtomicLong();
  private final AtomicLong jwksKeys = new AtomicLong();
  private final AtomicLong jwksLastSuccess = new AtomicLong();
  private final AtomicLong partitionsAheadDays = new AtomicLong();
  private final AtomicLong unfinishedExpired = new AtomicLong();
  private final ConcurrentHashMap<Labels, Object> meters = new ConcurrentHashMap<>();
  private IntSupplier inFlightLimitNow;
  private LongSupplier inFlightBurstRequests;

  /**
   * @param sources       the source names (label values; anything else is {@code other})
   * @param eventTypes    the event types the sources know (the same)
   * @param groupCommits  the sources whose deliveries are group-committed: their fallback counters start at 0
   */
  public InboxMetrics(List<String> sources, List<String> eventTypes, List<String> groupCommits) {
    this.knownSources = Set.copyOf(sources);
    this.knownTypes = Set.copyOf(eventTypes);
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(), Clock.SYSTEM,
      new TraceExemplars());
    Gauge.builder("webhook_retry_backlog", retryBacklog, AtomicLong::get)
      .description("Events waiting for a retry (status failed)")
      .register(registry);
    FunctionCounter.builder("webhook_log_lines_dropped", LogContextAsyncAppender.class,
        ignored -> LogContextAsyncAppender.dropped())
      .description("Log lines dropped because the asynchronous appender's buffer was full")
      .register(registry);
    Gauge.builder("webhook_jwks_keys", jwksKeys, AtomicLong::get)
      .description("Signing keys from the identity provider's JWKS in use by this replica")
      .register(registry);
    Gauge.builder("webhook_jwks_last_success_timestamp_seconds", jwksLastSuccess, AtomicLong::get)
      .description("When this replica last fetched the JWKS successfully (epoch seconds; 0 = never)")
      .register(registry);
    Gauge.builder("webhook_partitions_ahead_days", partitionsAheadDays, AtomicLong::get)
      .description("Days after today the inbox has partitions for (as of this replica's last maintenance run)")
      .register(registry);
    Gauge.builder("webhook_retention_unfinished_expired_events", unfinishedExpired, AtomicLong::get)
      .description("Events older than the retention period kept because they are not finished (failed, dead,"
        + " processing), as of this replica's last maintenance run")
      .register(registry);
    // Present at 0 from the start, so alerts see a first failure as an increase and read a quiet series as quiet.
    for (String outcome : List.of("updated", "unchanged", "failed")) {
      jwksRefreshes(outcome);
    }
    for (String outcome : List.of("done", "skipped", "failed")) {
      retentionRuns(outcome);
    }
    for (String source : groupCommits) {
      for (String reason : List.of("race", "error", "lock")) {
        groupCommitFallbacks(source, reason);
      }
    }
  }

  /**
   * The replica's in-flight limit now, and the requests it took past its steady value while it answered quickly (a
   * stall of the database waited out instead of refused).
   */
  public void inFlightLimit(IntSupplier limitNow, LongSupplier takenPastSteady) {
    // A meter holds its state weakly: kept here, the suppliers (method references, nothing else holds them) live as
    // long as these metrics, instead of being collected and leaving the meters at their last value.
    this.inFlightLimitNow = limitNow;
    this.inFlightBurstRequests = takenPastSteady;
    Gauge.builder("webhook_in_flight_limit", limitNow, IntSupplier::getAsInt)
      .description("API requests this replica may work on at once now (limits.maxInFlight, or limits.maxInFlightBurst"
        + " while it answers quickly)")
      .register(registry);
    FunctionCounter.builder("webhook_in_flight_burst_requests", takenPastSteady, LongSupplier::getAsLong)
      .description("API requests taken past limits.maxInFlight while the replica answered quickly")
      .register(registry);
  }

  private Counter jwksRefreshes(String outcome) {
    return meter(new Labels("jwks", outcome), () -> Counter.builder("webhook_jwks_refreshes_total")
      .description("JWKS fetches from the identity provider, by outcome")
      .tag("outcome", outcome)
      .register(registry), Counter.class);
  }

  private Counter retentionRuns(String outcome) {
    return meter(new Labels("retention", outcome), () -> Counter.builder("webhook_retention_runs_total")
      .description("Maintenance runs of the partitioned inbox, by outcome")
      .tag("outcome", outcome)
      .register(registry), Counter.class);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** One delivery answered: outcome is the ingest status (processed, duplicate, stale, ignored, queued, ...). */
  public void received(String source, String eventType, String outcome) {
    String boundedSource = bounded(source, knownSources);
    String boundedType = bounded(eventType, knownTypes);
    meter(new Labels("received", boundedSource, boundedType, outcome),
      () -> Counter.builder("webhook_events_received_total")
        .description("Deliveries answered, by source, event type and outcome")
        .tag("source", boundedSource)
        .tag("type", boundedType)
        .tag("outcome", outcome)
        .register(registry), Counter.class).increment();
  }

  /** A histogram, so p50/p95/p99 aggregate across replicas with {@code histogram_quantile} in Prometheus. */
  public void processed(String source, Duration took) {
    String boundedSource = bounded(source, knownSources);
    meter(new Labels("processed", boundedSource), () -> Timer.builder("webhook_event_processing_seconds")
      .description("Time from receipt to commit of an applied event")
      .tag("source", boundedSource)
      .publishPercentileHistogram()
      .minimumExpectedValue(Duration.ofMillis(1))
      .maximumExpectedValue(Duration.ofSeconds(30))
      .register(registry), Timer.class).record(took);
  }

  /** One retry attempt finished: outcome processed, stale, ignored, failed or dead. */
  public void retried(String source, String outcome) {
    Counter.builder("webhook_retries_total")
      .description("Retry attempts, by outcome")
      .tag("source", bounded(source, knownSources))
      .tag("outcome", outcome)
      .register(registry).increment();
  }

  public void deadLettered(String source) {
    Counter.builder("webhook_dead_letters_total")
      .description("Events that exhausted their retries")
      .tag("source", bounded(source, knownSources))
      .register(registry).increment();
  }

  /** One group commit stored {@code events} deliveries in one transaction. */
  public void groupCommitted(String source, int events) {
    String boundedSource = bounded(source, knownSources);
    meter(new Labels("groupCommit", boundedSource), () -> DistributionSummary.builder("webhook_group_commit_events")
      .description("Deliveries stored per group commit (one transaction)")
      .tag("source", boundedSource)
      .register(registry), DistributionSummary.class).record(events);
  }

  /**
   * One group commit could not store every delivery itself: {@code reason} race (another transaction stored one of
   * its events first; those deliveries are answered alone) or error (the statement failed and kept nothing; every
   * delivery is stored alone).
   */
  public void groupCommitFellBack(String source, String reason) {
    groupCommitFallbacks(bounded(source, knownSources), reason).increment();
  }

  private Counter groupCommitFallbacks(String source, String reason) {
    return meter(new Labels("groupCommitFallback", source, reason),
      () -> Counter.builder("webhook_group_commit_fallbacks_total")
        .description("Group commits that left deliveries to be stored one at a time, by reason")
        .tag("source", source)
        .tag("reason", reason)
        .register(registry), Counter.class);
  }

  /** One JWKS fetch finished: outcome updated, unchanged or failed (the cached keys stay). */
  public void jwksRefreshed(String outcome, int keys) {
    jwksRefreshes(outcome).increment();
    jwksKeys.set(keys);
    if (!outcome.equals("failed")) {
      jwksLastSuccess.set(System.currentTimeMillis() / 1000);
    }
  }

  /** A redelivery of an event whose record retention removed (answered duplicate, saying so). */
  public void redeliveredAfterRetention(String source) {
    String boundedSource = bounded(source, knownSources);
    meter(new Labels("redeliveredAfterRetention", boundedSource),
      () -> Counter.builder("webhook_redeliveries_after_retention_total")
        .description("Redeliveries of finished events whose stored record retention removed (their key remains)")
        .tag("source", boundedSource)
        .register(registry), Counter.class).increment();
  }

  /**
   * One maintenance run ended: outcome done, skipped (another replica ran it) or failed.
   *
   * @param daysAhead, unfinishedExpired what the run saw; -1: not known (the run failed, or kept forever)
   */
  public void retentionRan(String outcome, long daysAhead, long unfinishedExpired) {
    retentionRuns(outcome).increment();
    if (daysAhead >= 0) {
      partitionsAheadDays.set(daysAhead);
    }
    if (unfinishedExpired >= 0) {
      this.unfinishedExpired.set(unfinishedExpired);
    }
  }

  /** The payload index's pending-list pages a flush merged into the index (PayloadIndexVerticle). */
  public void payloadIndexFlushed(long pages) {
    meter(new Labels("payloadIndexFlushed"), () -> Counter.builder("webhook_payload_index_flushed_pages_total")
      .description("Pending-list pages of the payload search index merged off the delivery path")
      .register(registry), Counter.class).increment(pages);
  }

  public void retryBacklog(long due) {
    retryBacklog.set(due);
  }

  /** A meter's name in this cache and up to three label values (source, event type, outcome, ...), in a fixed order. */
  private record Labels(String meter, String first, String second, String third) {
    Labels(String meter) {
      this(meter, null, null, null);
    }

    Labels(String meter, String first) {
      this(meter, first, null, null);
    }

    Labels(String meter, String first, String second) {
      this(meter, first, second, null);
    }
  }

  /**
   * The hot meters, built once per label set (the sets are bounded) instead of looked up by the registry each time.
   * Keyed by the label values themselves: a key spelled as one string was built and hashed anew for every event.
   */
  private <M> M meter(Labels key, Supplier<M> create, Class<M> type) {
    return type.cast(meters.computeIfAbsent(key, ignored -> create.get()));
  }

  private static String bounded(String value, Set<String> known) {
    return value != null && known.contains(value) ? value : "other";
  }

  /**
   * This replica's refusals since it started, by HTTP status: 429 (rate limits) and 503 (capacity, storage, drain),
   * from Vert.x's HTTP server metrics. Each replica counts its own.
   */
  public java.util.Map<String, Long> refusals() {
    java.util.Map<String, Long> counts = new java.util.TreeMap<>();
    for (String code : java.util.List.of("429", "503")) {
      double total = registry.find("vertx.http.server.responses").tag("code", code).counters().stream()
        .mapToDouble(Counter::count).sum();
      counts.put(code, (long) total);
    }
    return counts;
  }
}
