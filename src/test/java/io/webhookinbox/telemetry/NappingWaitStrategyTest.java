package io.webhookinbox.telemetry;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * How the production appender's logging thread waits: it writes what arrives during a nap, blocks (no timed
 * wake-ups) once the service is idle, wakes for the next line, and stops promptly.
 */
class NappingWaitStrategyTest {
  private final LoggerContext logging = new LoggerContext();
  private final ListAppender<ILoggingEvent> written = new ListAppender<>();
  private final LogContextAsyncAppender async = new LogContextAsyncAppender();
  private Logger logger;

  @BeforeEach
  void start() {
    logging.setMDCAdapter(new LogbackMDCAdapter());
    written.setContext(logging);
    written.start();
    async.setName("napping-test");
    async.setContext(logging);
    async.addAppender(written);
    async.start();
    logger = logging.getLogger("napping");
    logger.addAppender(async);
  }

  @AfterEach
  void stop() {
    if (async.isStarted()) {
      async.stop();
    }
  }

  @Test
  void anIdleLoggingThreadBlocksInsteadOfWakingOnATimerAndWakesForTheNextLine() {
    logger.info("first");
    await().until(() -> written.list.size() == 1);
    // Caught up and past its nap: parked without a deadline, so an idle service costs no wake-ups.
    await().atMost(Duration.ofSeconds(5)).until(() -> loggingThreadStates().equals(Set.of(Thread.State.WAITING)));

    logger.info("second");
    await().atMost(Duration.ofSeconds(5)).until(() -> written.list.size() == 2);
    assertThat(written.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("first", "second");
  }

  @Test
  void aBurstLoggedWhileTheThreadNapsIsWrittenInFullAndInOrder() {
    for (int i = 0; i < 500; i++) {
      logger.info("line {}", i);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> written.list.size() == 500);
    assertThat(written.list.get(0).getFormattedMessage()).isEqualTo("line 0");
    assertThat(written.list.get(499).getFormattedMessage()).isEqualTo("line 499");
    assertThat(LogContextAsyncAppender.dropped()).isZero();
  }

  @Test
  void stoppingTheAppenderWritesWhatIsQueuedAndEndsTheThreadPromptly() {
    logger.info("queued before stop");
    assertTimeoutPreemptively(Duration.ofSeconds(5), async::stop);
    assertThat(written.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("queued before stop");
    await().atMost(Duration.ofSeconds(5)).until(() -> loggingThreadStates().isEmpty());
  }

  private static Set<Thread.State> loggingThreadStates() {
    return Thread.getAllStackTraces().keySet().stream()
      .filter(thread -> thread.getName().contains("napping-test"))
      .map(Thread::getState)
      .collect(Collectors.toSet());
  }
}
