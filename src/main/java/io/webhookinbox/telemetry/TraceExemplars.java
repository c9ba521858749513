package io.webhookinbox.telemetry;

import io.prometheus.metrics.tracer.common.SpanContext;

/**
 * Gives histogram observations the trace of the request that made them, as exemplars: Prometheus keeps them when it
 * scrapes OpenMetrics, and Grafana links a slow bucket to that trace. Outside a sampled trace there is none.
 */
final class TraceExemplars implements SpanContext {
  @Override
  public String getCurrentTraceId() {
    io.opentelemetry.api.trace.SpanContext span = Tracing.currentSpan().getSpanContext();
    return span.isValid() ? span.getTraceId() : null;
  }

  @Override
  public String getCurrentSpanId() {
    io.opentelemetry.api.trace.SpanContext span = Tracing.currentSpan().getSpanContext();
    return span.isValid() ? span.getSpanId() : null;
  }

  @Override
  public boolean isCurrentSpanSampled() {
    return Tracing.currentSpan().getSpanContext().isSampled();
  }

  /** Only sampled spans become exemplars (see above), and they are exported anyway: nothing to mark. */
  @Override
  public void markCurrentSpanAsExemplar() {
    // Deliberately empty.
  }
}
