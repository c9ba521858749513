package io.webhookinbox.events;

/** What a source applier did with an event: applied it ({@code stale == false}) or found it older. */
public record Applied(boolean stale, int resourceVersion) {
  public EventStatus status() {
    return stale ? EventStatus.STALE : EventStatus.PROCESSED;
  }
}
