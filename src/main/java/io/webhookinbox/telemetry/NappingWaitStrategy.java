package io.webhookinbox.telemetry;

import net.logstash.logback.encoder.com.lmax.disruptor.AlertException;
import net.logstash.logback.encoder.com.lmax.disruptor.BlockingWaitStrategy;
import net.logstash.logback.encoder.com.lmax.disruptor.Sequence;
import net.logstash.logback.encoder.com.lmax.disruptor.SequenceBarrier;
import net.logstash.logback.encoder.com.lmax.disruptor.WaitStrategy;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * How the logging thread waits for lines: once it has written every queued line it naps for a fixed time, then
 * blocks until signalled. Under load each nap gathers the lines of the next few milliseconds, so neither an event
 * loop (signalling a sleeping thread) nor the logging thread (being switched back in) pays a wake-up per line; an
 * idle service blocks after one nap and costs nothing. A line reaches the console at most one nap later.
 */
final class NappingWaitStrategy implements WaitStrategy {
  private final long napNanos;
  // Producers signal it on every line; the signal costs a system call only while the logging thread is blocked.
  private final BlockingWaitStrategy blocking = new BlockingWaitStrategy();

  NappingWaitStrategy(Duration nap) {
    this.napNanos = nap.toNanos();
  }

  @Override
  public long waitFor(long sequence, Sequence cursor, Sequence dependentSequence, SequenceBarrier barrier)
    throws AlertException, InterruptedException {
    if (cursor.get() < sequence) {
      LockSupport.parkNanos(napNanos);
      barrier.checkAlert();
    }
    return blocking.waitFor(sequence, cursor, dependentSequence, barrier);
  }

  @Override
  public void signalAllWhenBlocking() {
    blocking.signalAllWhenBlocking();
  }
}
