package io.webhookinbox.telemetry;

import io.vertx.core.Future;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The replica's OpenTelemetry: off (a no-op, nothing exported, nothing measured) unless an OTLP endpoint is
 * configured. When on, Vert.x spans HTTP requests, the event bus and the SQL client; the service adds the group
 * commit, the attempts of claimed events, and events on the server span. Every exported span passes
 * {@link AllowListExporter}, so an attribute not on its list (a URL with a query, a header) never leaves.
 */
public final class Tracing implements AutoCloseable {
  static final String INSTRUMENTATION = "io.webhookinbox";
  static final AttributeKey<String> SOURCE = AttributeKey.stringKey("webhook.source");
  static final AttributeKey<String> EVENT_TYPE = AttributeKey.stringKey("webhook.event_type");
  static final AttributeKey<Long> BATCH_SIZE = AttributeKey.longKey("webhook.batch.size");
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("webhook.outcome");
  static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("webhook.attempt");
  private static final Tracing OFF = new Tracing(OpenTelemetry.noop(), null);
  /**
   * Whether a tracer was ever started in this JVM. Until one is, there is no span to look up: the hot paths (every
   * log line, every request) skip the context lookup, so tracing off costs nothing.
   */
  private static volatile boolean started;

  private final OpenTelemetry openTelemetry;
  private final OpenTelemetrySdk sdk;
  private final Tracer tracer;

  private Tracing(OpenTelemetry openTelemetry, OpenTelemetrySdk sdk) {
    this.openTelemetry = openTelemetry;
    this.sdk = sdk;
    this.tracer = openTelemetry.getTracer(INSTRUMENTATION);
    if (sdk != null) {
      started = true;
    }
  }

  /** The current span; the invalid span, without a lookup, while no tracer was ever started. */
  public static Span currentSpan() {
    return started ? Span.current() : Span.getInvalid();
  }

  public static Tracing off() {
    return OFF;
  }

  /**
   * The SDK as the standard {@code OTEL_*} environment variables and system properties configure it, with
   * {@code properties} (the config file's, as {@code otel.*} names) beneath them.
   */
  public static Tracing start(Map<String, String> properties) {
    OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
      .addPropertiesSupplier(() -> properties)
      .addSpanExporterCustomizer((exporter, config) -> new AllowListExporter(exporter))
      .addSamplerCustomizer((sampler, config) -> new ProbeSampler(sampler))
      .disableShutdownHook()
      .build()
      .getOpenTelemetrySdk();
    return new Tracing(sdk, sdk);
  }

  /** For tests: every span sampled and handed to {@code exporter} (through the allow-list) as it ends. */
  public static Tracing exportingTo(SpanExporter exporter) {
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder()
        .setResource(Resource.getDefault())
        .setSampler(new ProbeSampler(Sampler.parentBased(Sampler.alwaysOn())))
        .addSpanProcessor(SimpleSpanProcessor.create(new AllowListExporter(exporter)))
        .build())
      .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
      .build();
    return new Tracing(sdk, sdk);
  }

  public boolean enabled() {
    return sdk != null;
  }

  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  /**
   * A span of the service's own, a child of the current span (or a root), linked to the traces named by
   * {@code linkedTraceParents} (W3C traceparent values; nulls and invalid ones are left out).
   */
  private Span start(String name, SpanKind kind, Collection<String> linkedTraceParents,
                    Attributes attributes) {
    SpanBuilder builder = tracer.spanBuilder(name).setSpanKind(kind).setAllAttributes(attributes);
    if (enabled()) {
      for (String traceParent : linkedTraceParents) {
        SpanContext linked = parse(traceParent);
        if (linked.isValid()) {
          builder.addLink(linked);
        }
      }
    }
    return builder.startSpan();
  }

  /**
   * The span of one group commit: a root of its own (it serves many requests), linked to every delivery it stores
   * (each delivery's span links back: {@link #linkTo}).
   */
  public Span startBatch(String source, Collection<String> deliveryTraceParents) {
    Span span = tracer.spanBuilder("group commit").setNoParent().setSpanKind(SpanKind.INTERNAL)
      .setAllAttributes(Attributes.of(SOURCE, source, BATCH_SIZE,
        (long) deliveryTraceParents.size()))
      .startSpan();
    if (span.isRecording()) {
      for (String traceParent : deliveryTraceParents) {
        SpanContext delivery = parse(traceParent);
        if (delivery.isValid()) {
          span.addLink(delivery);
        }
      }
    }
    return span;
  }

  /**
   * The span of an attempt at a claimed event (a retry, a replay): its own trace, or the operator's request's when
   * a replay runs under it, linked to the trace of the request that delivered the event.
   */
  public Span startAttempt(String source, int attempt, String deliveryTraceParent) {
    return start("attempt", SpanKind.INTERNAL, deliveryTraceParent == null ? List.of()
      : List.of(deliveryTraceParent), Attributes.of(SOURCE, source, ATTEMPT,
        (long) attempt));
  }

  /** Links {@code span} (a delivery's) to {@code other} (the batch that stored it). */
  public static void linkTo(Span span, Span other) {
    if (span.isRecording() && other.getSpanContext().isValid()) {
      span.addLink(other.getSpanContext());
    }
  }

  /** Ends a span of {@link #startBatch} or {@link #startAttempt} with its outcome. */
  public static void end(Span span, Throwable failure, String outcome) {
    if (span.isRecording()) {
      if (failure != null) {
        span.recordException(failure);
        span.setStatus(StatusCode.ERROR);
      } else if (outcome != null) {
        span.setAttribute(OUTCOME, outcome);
      }
    }
    span.end();
  }

  /** Names a span by what it handled (e.g. the route template), keeping the convention's attributes. */
  public static void rename(Span span, String name, String route) {
    if (span.isRecording()) {
      span.updateName(name);
      if (route != null) {
        span.setAttribute("http.route", route);
      }
    }
  }

  /** Adds an event to the current span, e.g. "signature verified". */
  public static void event(String name) {
    Span span = currentSpan();
    if (span.isRecording()) {
      span.addEvent(name);
    }
  }

  /** The W3C traceparent of the current span, or null outside a sampled or recorded trace. */
  public static String currentTraceParent() {
    SpanContext context = currentSpan().getSpanContext();
    if (!context.isValid()) {
      return null;
    }
    return "00-" + context.getTraceId() + "-" + context.getSpanId() + "-" + context.getTraceFlags().asHex();
  }

  /** The trace id of a traceparent, or null. */
  public static String traceIdOf(String traceParent) {
    SpanContext context = parse(traceParent);
    return context.isValid() ? context.getTraceId() : null;
  }

  static SpanContext parse(String traceParent) {
    if (traceParent == null || traceParent.length() != 55 || !traceParent.startsWith("00-")) {
      return SpanContext.getInvalid();
    }
    return SpanContext.createFromRemoteParent(traceParent.substring(3, 35), traceParent.substring(36, 52),
      TraceFlags.fromHex(traceParent, 53), TraceState.getDefault());
  }

  /**
   * Runs {@code work} with {@code span} current on this Vert.x context until it completes, so the database calls it
   * makes are the span's children, then ends the span with the work's outcome.
   */
  public static <T> Future<T> within(Span span, Supplier<Future<T>> work, Function<T, String> outcome) {
    if (!span.isRecording()) {
      return work.get();
    }
    Scope scope = Context.current().with(span).makeCurrent();
    Future<T> done;
    try {
      done = work.get();
    } catch (RuntimeException e) {
      done = Future.failedFuture(e);
    }
    return done.andThen(result -> {
      scope.close();
      end(span, result.failed() ? result.cause() : null, result.succeeded() ? outcome.apply(result.result()) : null);
    });
  }

  @Override
  public void close() {
    if (sdk != null) {
      sdk.shutdown().join(5, TimeUnit.SECONDS);
    }
  }
}
