package io.webhookinbox.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What leaves the service in a span: attributes by allow-list only, so no URL with a query or a path with ids,
 * no header, no payload ever does, whatever an instrumentation library adds; exception events keep their type
 * and lose their message (a database error can quote a value). Database spans are named by their statement's verb.
 */
final class AllowListExporter implements SpanExporter {
  static final Set<String> ALLOWED = Set.of(
    "http.request.method", "http.response.status_code", "http.route", "url.scheme",
    "db.system", "db.namespace", "db.query.text", "network.peer.address",
    "messaging.system", "messaging.destination.name", "messaging.operation",
    Tracing.SOURCE.getKey(), Tracing.EVENT_TYPE.getKey(), Tracing.BATCH_SIZE.getKey(), Tracing.OUTCOME.getKey(),
    Tracing.ATTEMPT.getKey(), "exception.type");

  private final SpanExporter delegate;

  AllowListExporter(SpanExporter delegate) {
    this.delegate = delegate;
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    return delegate.export(spans.stream().map(AllowListExporter::filtered).toList());
  }

  static SpanData filtered(SpanData span) {
    Attributes attributes = allowed(span.getAttributes());
    List<EventData> events = span.getEvents().stream()
      .map(event -> EventData.create(event.getEpochNanos(), event.getName(), allowed(event.getAttributes()),
        event.getTotalAttributeCount()))
      .toList();
    String name = span.getAttributes().get(AttributeKey.stringKey("db.query.text")) != null
      ? "postgresql " + verb(span.getAttributes().get(AttributeKey.stringKey("db.query.text"))) : span.getName();
    return new DelegatingSpanData(span) {
      @Override
      public String getName() {
        return name;
      }

      @Override
      public Attributes getAttributes() {
        return attributes;
      }

      @Override
      public List<EventData> getEvents() {
        return events;
      }

      @Override
      public int getTotalAttributeCount() {
        return attributes.size();
      }
    };
  }

  private static Attributes allowed(Attributes attributes) {
    AttributesBuilder kept = Attributes.builder();
    attributes.forEach((key, value) -> {
      if (ALLOWED.contains(key.getKey())) {
        @SuppressWarnings("unchecked")
        AttributeKey<Object> typed = (AttributeKey<Object>) key;
        kept.put(typed, value);
      }
    });
    return kept.build();
  }

  /** The statement's first keyword after any leading comment: SELECT, INSERT, WITH, BEGIN, ... */
  static String verb(String sql) {
    String text = sql.strip();
    while (text.startsWith("/*") && text.contains("*/")) {
      text = text.substring(text.indexOf("*/") + 2).strip();
    }
    int end = 0;
    while (end < text.length() && Character.isLetter(text.charAt(end))) {
      end++;
    }
    return end == 0 ? "statement" : text.substring(0, end).toUpperCase(Locale.ROOT);
  }

  @Override
  public CompletableResultCode flush() {
    return delegate.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }
}
