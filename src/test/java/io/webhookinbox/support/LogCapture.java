package io.webhookinbox.support;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Keeps every log line exactly as the production encoder writes it (see logback-test.xml), so tests can assert on
 * the real JSON output: correlation ids present, personal data absent.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> {
  private static final List<String> LINES = new CopyOnWriteArrayList<>();
  private Encoder<ILoggingEvent> encoder;

  public void setEncoder(Encoder<ILoggingEvent> encoder) {
    this.encoder = encoder;
  }

  @Override
  public void start() {
    if (encoder == null) {
      addError("LogCapture needs an encoder");
      return;
    }
    encoder.start();
    super.start();
  }

  @Override
  protected void append(ILoggingEvent event) {
    LINES.add(new String(encoder.encode(event), StandardCharsets.UTF_8).trim());
  }

  /** Every line captured so far, raw. */
  public static List<String> lines() {
    return List.copyOf(LINES);
  }

  /** Captured lines parsed as JSON (each must be valid JSON: the test fails otherwise). */
  public static List<JsonObject> json() {
    return LINES.stream().map(JsonObject::new).toList();
  }
}
