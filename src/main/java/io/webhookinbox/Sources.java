package io.webhookinbox;

import io.vertx.core.json.JsonObject;
import io.webhookinbox.config.AppConfig;
import io.webhookinbox.config.Registry;
import io.webhookinbox.config.Setting;
import io.webhookinbox.source.Source;
import io.webhookinbox.sources.cisive.CisiveSource;
import io.webhookinbox.sources.stripe.StripeSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The webhook senders this service receives from: adding one is a folder under {@code sources/} and a line here. */
public final class Sources {
  public static final List<Source> ALL = List.of(
    new CisiveSource(),
    new StripeSource());

  private Sources() {
  }

  /** Every setting (the service's and these sources') and the event types these sources know. */
  public static Registry registry(List<Source> sources) {
    List<Setting<?>> settings = new ArrayList<>();
    List<String> types = new ArrayList<>();
    List<String> enabled = new ArrayList<>();
    for (Source source : sources) {
      settings.addAll(source.settings());
      for (Source.EventType type : source.eventTypes()) {
        types.add(type.name());
        if (type.enabledByDefault()) {
          enabled.add(type.name());
        }
      }
    }
    return Registry.of(settings, types, enabled);
  }

  /** The typed configuration of a service with {@link #ALL} its sources. */
  public static AppConfig config(JsonObject root) {
    return AppConfig.from(root, registry(ALL));
  }

  /** Source name → classpath location of its own migrations, for those that have some. */
  public static Map<String, String> migrations(List<Source> sources) {
    Map<String, String> locations = new LinkedHashMap<>();
    sources.stream().filter(source -> source.migrations() != null)
      .forEach(source -> locations.put(source.name(), source.migrations()));
    return locations;
  }
}
