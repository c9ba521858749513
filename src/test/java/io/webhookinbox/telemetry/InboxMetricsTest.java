package io.webhookinbox.telemetry;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Meters whose state only a method reference holds keep reading it after a garbage collection. */
class InboxMetricsTest {
  @Test
  void theInFlightMetersOutliveAGarbageCollection() {
    InboxMetrics metrics = new InboxMetrics(List.of("cisive"), List.of("OrderCreated"), List.of());
    AtomicInteger limit = new AtomicInteger(128);
    AtomicLong burst = new AtomicLong();
    // Method references on objects the test keeps, as InboxServer passes them: new objects only the meters hold.
    metrics.inFlightLimit(limit::get, burst::get);
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    limit.set(512);
    burst.set(42);

    String text = metrics.registry().scrape();
    assertThat(text).contains("webhook_in_flight_limit 512.0").contains("webhook_in_flight_burst_requests_total 42.0");
  }
}
