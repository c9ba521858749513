package io.webhookinbox.source;

import io.vertx.core.json.JsonObject;
import io.webhookinbox.config.AppConfig;
import io.webhookinbox.config.Setting;

import java.util.List;
import java.util.Set;

/**
 * Everything the service knows of one webhook sender, in one place inside {@code sources/<name>/}: the rest of the
 * service works from these descriptors and names no sender. Adding a sender is a new folder with its descriptor,
 * and one line in the composition root's list.
 */
public interface Source {
  /** The sender's name: stored with each of its events, a metric label, the {@code ?source=} filter value. */
  String name();

  /** The event types it sends that the service knows; the others are stored as {@code ignored}. */
  List<EventType> eventTypes();

  /** Its settings (a config section of its own, its environment variables), read from {@link AppConfig#root()}. */
  default List<Setting<?>> settings() {
    return List.of();
  }

  /** Applies its events to its resource table. */
  SourceApplier applier();

  /** How answers and listings name its resource's id ({@code externalOrderId}, ...). */
  String idField();

  /** The operators' view of its resource, or null when it has none. */
  default Resource resource() {
    return null;
  }

  /** How its resource's personal data is erased, or null when it holds none that can be. */
  default PersonalData personalData() {
    return null;
  }

  /**
   * What an event's detail shows as {@code metadata}, read from its stored payload: only what is not personal
   * unless {@code privileged} (the caller may see payloads); null for none.
   */
  default Object eventMetadata(JsonObject payload, boolean privileged) {
    return null;
  }

  /**
   * The paths of its payloads that never hold personal data (see {@link PayloadPaths}): shown unmasked to every
   * operator and searchable without {@code webhooks:pii}. Everything else is masked; none listed masks everything.
   */
  default Set<String> publicPayloadPaths() {
    return Set.of();
  }

  /**
   * Where its own migrations are (a classpath location such as {@code db/sources/<name>}: its tables), applied
   * after the service's own with a history of their own; null for none.
   */
  default String migrations() {
    return null;
  }

  /** Builds its endpoint from the configuration, once per replica (may block: it reads schema files). */
  Endpoint endpoint(AppConfig config);

  /** A known event type, and whether it is applied unless configured otherwise ({@code webhooks.enabledEvents}). */
  record EventType(String name, boolean enabledByDefault) {
  }
}
