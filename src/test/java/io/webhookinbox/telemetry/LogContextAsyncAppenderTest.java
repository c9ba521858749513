package io.webhookinbox.telemetry;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The production appender: lines written by its own thread still carry the ids of the context that logged them. */
class LogContextAsyncAppenderTest {

  @Test
  void linesLoggedOnAVertxContextCarryItsIdsThroughTheBackgroundThread() {
    LogContext.init();
    LoggerContext logging = new LoggerContext();
    logging.setMDCAdapter(new LogbackMDCAdapter());
    ListAppender<ILoggingEvent> written = new ListAppender<>();
    written.setContext(logging);
    written.start();
    LogContextAsyncAppender async = new LogContextAsyncAppender();
    async.setContext(logging);
    async.addAppender(written);
    async.start();
    Logger logger = logging.getLogger("test");
    logger.addAppender(async);
    Vertx vertx = Vertx.vertx();
    try {
      for (int i = 0; i < 20; i++) {
        String correlationId = "corr-async-" + i;
        String eventId = "evt-async-" + i;
        vertx.getOrCreateContext().runOnContext(ignored -> {
          LogContext.bind(correlationId, eventId);
          logger.info("line {}", correlationId);
        });
      }
      logger.info("outside any context");
      await().until(() -> written.list.size() == 21);
    } finally {
      vertx.close().await();
      async.stop();
    }

    for (ILoggingEvent line : written.list) {
      Map<String, Object> ids = keyValues(line.getKeyValuePairs());
      if (line.getFormattedMessage().equals("outside any context")) {
        assertThat(ids).isEmpty();
      } else {
        String correlationId = line.getFormattedMessage().substring("line ".length());
        assertThat(ids).containsEntry("correlationId", correlationId)
          .containsEntry("eventId", correlationId.replace("corr", "evt"));
      }
      assertThat(line.getThreadName()).doesNotStartWith("logback");
    }
    assertThat(LogContextAsyncAppender.dropped()).isZero();
  }

  private static Map<String, Object> keyValues(List<KeyValuePair> pairs) {
    return pairs == null ? Map.of() : pairs.stream().collect(Collectors.toMap(pair -> pair.key, pair -> pair.value));
  }
}
