/**
 * The life of a stored event: every statement that changes a {@code webhook_events} row's status, lease, attempts
 * or schedule is in {@link io.webhookinbox.events.EventStore} (arrival) or {@link io.webhookinbox.events.EventClaims}
 * (everything after), and so is the NOTIFY that wakes the schedulers.
 *
 * <pre>
 * from        to           caused by
 * (none)      processed    a delivery applied (one by one or in a group commit)
 * (none)      stale        a delivery older than what its resource reflects
 * (none)      ignored      a delivery of a type that is not enabled
 * (none)      failed       a delivery whose apply failed (retry due after the backoff)
 * (none)      dead         the same with no retries allowed (retry.maxAttempts = 0)
 * failed      processing   the retry scheduler claims it when due (lease, attempts + 1)
 * dead        processing   an operator's manual replay (lease, attempts + 1)
 * ignored     processing   an operator's manual replay
 * failed,dead,ignored  failed (due now)  an operator's bulk replay; the scheduler takes it from there
 * processing  processed    the attempt applied it
 * processing  stale        the attempt found it older
 * processing  ignored      the attempt found its type still not enabled
 * processing  failed       the attempt failed with retries left (next_attempt_at by the backoff)
 * processing  dead         the attempt failed with none left, or its lease expired after the last allowed attempt
 * processing  processing   its lease expired with retries left: another replica claims it again
 * </pre>
 *
 * <p>{@code processed}, {@code stale} and {@code ignored} are finished; retention never removes an unfinished event.
 */
package io.webhookinbox.events;
