package io.webhookinbox.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;

import java.util.List;

/** The configured sampler, except that probes and metrics scrapes are never traced: they would drown the rest. */
final class ProbeSampler implements Sampler {
  private static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
  private final Sampler delegate;

  ProbeSampler(Sampler delegate) {
    this.delegate = delegate;
  }

  @Override
  public SamplingResult shouldSample(Context parentContext, String traceId, String name, SpanKind spanKind,
                                     Attributes attributes, List<LinkData> parentLinks) {
    String path = attributes.get(PATH);
    if (path != null && (path.startsWith("/health/") || path.equals("/metrics"))) {
      return SamplingResult.drop();
    }
    return delegate.shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks);
  }

  @Override
  public String getDescription() {
    return "ProbeSampler{" + delegate.getDescription() + "}";
  }
}
