package io.webhookinbox.ingest;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.webhookinbox.api.ApiError;
import io.webhookinbox.api.ErrorCode;
import io.webhookinbox.events.NewEvent;
import io.webhookinbox.source.IngestOutcome;
import io.webhookinbox.source.IngestStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link GroupCommit} as the pure queueing logic it is, with the commit in the test's hands: how deliveries form
 * batches, how many commits run at once, and what is refused or dropped. (GroupCommitTest drives it over HTTP.)
 */
class GroupCommitQueueTest {
  private static final long TIMEOUT_NANOS = 10_000_000_000L;
  private final List<List<NewEvent>> batches = new ArrayList<>();
  private final List<Promise<List<IngestOutcome>>> commits = new ArrayList<>();
  private final AtomicLong timeout = new AtomicLong(TIMEOUT_NANOS);
  /** Lingering's clock and timers, in the test's hands too. */
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final List<Long> timerDelays = new ArrayList<>();
  private final List<Runnable> timerTasks = new ArrayList<>();
  private final List<Long> cancelledTimers = new ArrayList<>();

  private GroupCommit groupCommit(int maxRunning, int maxBatch, int maxQueued) {
    return new GroupCommit(maxRunning, maxBatch, maxQueued, timeout::get, 0, null, System::nanoTime, this::record);
  }

  @Test
  void theFirstDeliveryCommitsAtOnceAndThoseArrivingMeanwhileGoTogether() {
    GroupCommit groupCommit = groupCommit(1, 64, 256);
    Future<IngestOutcome> first = groupCommit.submit(event("e1", 0));
    assertThat(batches).hasSize(1);
    List<Future<IngestOutcome>> waiting = new ArrayList<>();
    for (int i = 2; i <= 5; i++) {
      waiting.add(groupCommit.submit(event("e" + i, 0)));
    }
    assertThat(batches).as("one commit at a time").hasSize(1);
    assertThat(groupCommit.waiting()).isEqualTo(4);

    complete(0);
    assertThat(first.result().eventId()).isEqualTo("e1");
    assertThat(batches).hasSize(2);
    assertThat(batches.get(1)).extracting(NewEvent::eventId).containsExactly("e2", "e3", "e4", "e5");
    complete(1);
    assertThat(waiting).extracting(answer -> answer.result().eventId()).containsExactly("e2", "e3", "e4", "e5");
    assertThat(groupCommit.waiting()).isZero();
  }

  @Test
  void aBatchHoldsAtMostMaxBatchAndNeverTwoCopiesOfOneEvent() {
    GroupCommit groupCommit = groupCommit(1, 3, 256);
    groupCommit.submit(event("first", 0));
    for (String id : List.of("a", "a", "b", "a", "c", "d")) {
      groupCommit.submit(event(id, 0));
    }
    complete(0);
    assertThat(batches.get(1)).extracting(NewEvent::eventId).containsExactly("a", "b", "c");
    complete(1);
    assertThat(batches.get(2)).extracting(NewEvent::eventId).containsExactly("a", "d");
    complete(2);
    assertThat(batches.get(3)).extracting(NewEvent::eventId).containsExactly("a");
  }

  @Test
  void upToMaxRunningCommitsRunAtOnce() {
    GroupCommit groupCommit = groupCommit(2, 64, 256);
    groupCommit.submit(event("e1", 0));
    groupCommit.submit(event("e2", 0));
    groupCommit.submit(event("e3", 0));
    assertThat(batches).extracting(List::size).containsExactly(1, 1);
    complete(1);
    assertThat(batches).extracting(List::size).containsExactly(1, 1, 1);
  }

  @Test
  void pastMaxQueuedADeliveryIsRefusedAtOnce() {
    GroupCommit groupCommit = groupCommit(1, 64, 2);
    groupCommit.submit(event("running", 0));
    groupCommit.submit(event("q1", 0));
    groupCommit.submit(event("q2", 0));
    Future<IngestOutcome> refused = groupCommit.submit(event("q3", 0));
    assertThat(refused.failed()).isTrue();
    assertThat(((ApiError) refused.cause()).code()).isEqualTo(ErrorCode.SERVER_BUSY);
    assertThat(groupCommit.waiting()).isEqualTo(2);
  }

  @Test
  void aDeliveryWhoseSenderStoppedWaitingOrNearlyHasIsDroppedNotStoredLate() {
    timeout.set(1_000_000_000L);
    GroupCommit groupCommit = groupCommit(1, 64, 256);
    groupCommit.submit(event("running", 0));
    // Received two seconds ago with a one-second processing timeout: its sender has had its 503 already.
    Future<IngestOutcome> late = groupCommit.submit(event("late", 2_000_000_000L));
    // 100 ms of its sender's wait left: a cancel could not stop a statement started for it in time.
    Future<IngestOutcome> nearlyLate = groupCommit.submit(event("nearly-late", 900_000_000L));
    Future<IngestOutcome> older = groupCommit.submit(event("older", 700_000_000L));
    Future<IngestOutcome> fresh = groupCommit.submit(event("fresh", 0));
    complete(0);
    for (Future<IngestOutcome> dropped : List.of(late, nearlyLate)) {
      assertThat(dropped.failed()).isTrue();
      assertThat(((ApiError) dropped.cause()).code()).isEqualTo(ErrorCode.PROCESSING_TIMEOUT);
    }
    assertThat(batches.get(1)).as("stored: only the deliveries whose senders still wait long enough")
      .extracting(NewEvent::eventId).containsExactly("older", "fresh");
    complete(1);
    assertThat(older.succeeded()).isTrue();
    assertThat(fresh.succeeded()).isTrue();
  }

  @Test
  void aFailedCommitFailsEveryDeliveryOfItsBatchAndTheNextBatchStillRuns() {
    GroupCommit groupCommit = groupCommit(1, 64, 256);
    groupCommit.submit(event("running", 0));
    Future<IngestOutcome> a = groupCommit.submit(event("a", 0));
    Future<IngestOutcome> b = groupCommit.submit(event("b", 0));
    complete(0);
    commits.get(1).fail(new IllegalStateException("statement failed"));
    assertThat(a.failed()).isTrue();
    assertThat(b.cause()).hasMessage("statement failed");
    Future<IngestOutcome> after = groupCommit.submit(event("c", 0));
    complete(2);
    assertThat(after.succeeded()).isTrue();
  }

  @Test
  void atASteadyRateASmallBatchWaitsItsLingerForMoreThenGoesAsItIs() {
    GroupCommit groupCommit = lingering(2);
    arriveEvery(500_000L, groupCommit, "e1", "e2", "e3", "e4");
    assertThat(batches).as("nothing arrived before it: the first goes at once").hasSize(1);

    complete(0);
    assertThat(batches).as("three waiting, arriving every 0.5 ms: they wait up to 2 ms for more").hasSize(1);
    assertThat(timerDelays).containsExactly(2L);
    arriveEvery(500_000L, groupCommit, "e5");
    runTimer(0);
    assertThat(batches).hasSize(2);
    assertThat(batches.get(1)).extracting(NewEvent::eventId).containsExactly("e2", "e3", "e4", "e5");
  }

  @Test
  void aLingeringBatchGoesAtOnceWhenEnoughHaveArrived() {
    GroupCommit groupCommit = lingering(2);
    arriveEvery(100_000L, groupCommit, "e1", "e2", "e3");
    complete(0);
    assertThat(timerDelays).hasSize(1);
    arriveEvery(100_000L, groupCommit, "e4", "e5", "e6", "e7", "e8", "e9");
    assertThat(batches).as("eight waiting: the commit does not wait out its linger").hasSize(2);
    assertThat(batches.get(1)).hasSize(GroupCommit.ENOUGH);
    assertThat(cancelledTimers).containsExactly(0L);
  }

  @Test
  void atALowRateALoneDeliveryNeverWaits() {
    GroupCommit groupCommit = lingering(2);
    arriveEvery(10_000_000L, groupCommit, "e1");
    complete(0);
    arriveEvery(10_000_000L, groupCommit, "e2");
    assertThat(batches).as("one delivery every 10 ms: each commits on arrival").hasSize(2);
    complete(1);
    arriveEvery(10_000_000L, groupCommit, "e3", "e4");
    complete(2);
    assertThat(batches).extracting(List::size).containsExactly(1, 1, 1, 1);
    assertThat(timerDelays).isEmpty();
  }

  private GroupCommit lingering(long lingerMs) {
    GroupCommit.Timers timers = new GroupCommit.Timers() {
      @Override
      public long start(long delayMs, Runnable task) {
        timerDelays.add(delayMs);
        timerTasks.add(task);
        return timerTasks.size() - 1;
      }

      @Override
      public void cancel(long timer) {
        cancelledTimers.add(timer);
      }
    };
    return new GroupCommit(1, 64, 256, timeout::get, lingerMs, timers, clock::get, this::record);
  }

  private void arriveEvery(long gapNanos, GroupCommit groupCommit, String... eventIds) {
    for (String eventId : eventIds) {
      clock.addAndGet(gapNanos);
      groupCommit.submit(event(eventId, 0));
    }
  }

  private void runTimer(int index) {
    assertThat(cancelledTimers).doesNotContain((long) index);
    timerTasks.get(index).run();
  }

  private Future<List<IngestOutcome>> record(List<NewEvent> batch) {
    batches.add(batch);
    Promise<List<IngestOutcome>> commit = Promise.promise();
    commits.add(commit);
    return commit.future();
  }

  /** Completes commit {@code index} with one outcome per delivery, in order. */
  private void complete(int index) {
    List<IngestOutcome> outcomes = batches.get(index).stream()
      .map(event -> new IngestOutcome(event.eventId(), IngestStatus.PROCESSED, event.externalId(), 1)).toList();
    commits.get(index).complete(outcomes);
  }

  private static NewEvent event(String eventId, long ageNanos) {
    return new NewEvent(new NewEvent.Identity("test", eventId, "Created", "R-" + eventId, OffsetDateTime.now(), "1"),
      new NewEvent.Body(new JsonObject(), "{}", "00"),
      new NewEvent.Receipt(Instant.now(), System.nanoTime() - ageNanos, "corr-" + eventId, "tester", null), true, false);
  }
}
