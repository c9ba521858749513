package io.webhookinbox.retry;

import io.webhookinbox.config.RetryConfig;
import io.webhookinbox.config.SchedulerConfig;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The retry and scheduler settings in force, shared by the verticles of one process. They change at run time
 * (config file edits, operator overrides); readers take one consistent snapshot per decision.
 */
public final class RetrySettings {
  /** One consistent pair of settings. */
  public record Snapshot(RetryConfig retry, SchedulerConfig scheduler) {
  }

  private final AtomicReference<Snapshot> current;

  public RetrySettings(RetryConfig retry, SchedulerConfig scheduler) {
    this.current = new AtomicReference<>(new Snapshot(retry, scheduler));
  }

  public Snapshot get() {
    return current.get();
  }

  public RetryConfig retry() {
    return current.get().retry();
  }

  public SchedulerConfig scheduler() {
    return current.get().scheduler();
  }

  public void set(RetryConfig retry, SchedulerConfig scheduler) {
    current.set(new Snapshot(retry, scheduler));
  }
}
