package io.webhookinbox.config;

import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Traces over OTLP, configured like any OpenTelemetry SDK: by the standard {@code OTEL_*} environment variables
 * (every other one the SDK knows works too, e.g. {@code OTEL_EXPORTER_OTLP_HEADERS}) or by this section. Off, with
 * nothing exported and nothing measured, while no endpoint is configured.
 */
public record TracingConfig(String endpoint, String tracesEndpoint, String protocol, String serviceName,
                            String sampler, String samplerArg, String resourceAttributes) {
  static final Set<String> PROTOCOLS = Set.of("http/protobuf", "http/json");
  static final Setting<String> ENDPOINT = Setting.text("tracing.endpoint", "").env("OTEL_EXPORTER_OTLP_ENDPOINT")
    .doc("OTLP collector base URL (traces go to <url>/v1/traces); empty = tracing off");
  static final Setting<String> TRACES_ENDPOINT = Setting.text("tracing.tracesEndpoint", "")
    .env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT").doc("OTLP traces URL, used as given; wins over tracing.endpoint");
  static final Setting<String> PROTOCOL = Setting.text("tracing.protocol", "http/protobuf")
    .env("OTEL_EXPORTER_OTLP_PROTOCOL").doc("http/protobuf or http/json");
  static final Setting<String> SERVICE_NAME = Setting.text("tracing.serviceName", "webhook-inbox")
    .env("OTEL_SERVICE_NAME").doc("service.name of the spans");
  static final Setting<String> SAMPLER = Setting.text("tracing.sampler", "parentbased_always_on")
    .env("OTEL_TRACES_SAMPLER").doc("Sampler, e.g. parentbased_traceidratio (a sender's sampled flag is kept)");
  static final Setting<String> SAMPLER_ARG = Setting.text("tracing.samplerArg", "").env("OTEL_TRACES_SAMPLER_ARG")
    .doc("The sampler's argument, e.g. 0.1 for one trace in ten");
  static final Setting<String> RESOURCE_ATTRIBUTES = Setting.text("tracing.resourceAttributes", "")
    .env("OTEL_RESOURCE_ATTRIBUTES").doc("key=value,... added to every span's resource (e.g. deployment.environment)");
  static final List<Setting<?>> SETTINGS = List.of(ENDPOINT, TRACES_ENDPOINT, PROTOCOL, SERVICE_NAME, SAMPLER,
    SAMPLER_ARG, RESOURCE_ATTRIBUTES);

  static TracingConfig from(JsonObject root) {
    String protocol = PROTOCOL.read(root).trim();
    if (!PROTOCOLS.contains(protocol)) {
      throw new InvalidSetting(PROTOCOL.key(), "must be one of " + PROTOCOLS.stream().sorted().toList()
        + " (this build exports over HTTP)");
    }
    return new TracingConfig(ENDPOINT.read(root).trim(), TRACES_ENDPOINT.read(root).trim(), protocol,
      SERVICE_NAME.read(root).trim(), SAMPLER.read(root).trim(), SAMPLER_ARG.read(root).trim(),
      RESOURCE_ATTRIBUTES.read(root).trim());
  }

  public boolean enabled() {
    return !endpoint.isEmpty() || !tracesEndpoint.isEmpty();
  }

  /** As the SDK's autoconfiguration names them; only OTLP traces (metrics stay with Prometheus, logs on stderr). */
  public Map<String, String> properties() {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("otel.traces.exporter", "otlp");
    properties.put("otel.metrics.exporter", "none");
    properties.put("otel.logs.exporter", "none");
    properties.put("otel.exporter.otlp.protocol", protocol);
    put(properties, "otel.exporter.otlp.endpoint", endpoint);
    put(properties, "otel.exporter.otlp.traces.endpoint", tracesEndpoint);
    put(properties, "otel.service.name", serviceName);
    put(properties, "otel.traces.sampler", sampler);
    put(properties, "otel.traces.sampler.arg", samplerArg);
    put(properties, "otel.resource.attributes", resourceAttributes);
    return properties;
  }

  private static void put(Map<String, String> properties, String name, String value) {
    if (!value.isEmpty()) {
      properties.put(name, value);
    }
  }
}
