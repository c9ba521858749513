/**
 * The life of a stored event: every statement that changes a {@code webhook_events} row's status, lease, attempts
 * or schedule is in {@link io.webhookinbox.events.EventStore} (arrival) or {@link io.webhookinbox.events.EventClaims}
 * (everything after), and so is the NOTIFY that wakes the schedulers.
 *
 * <p>The state machine (every state, every transition and what causes it) is drawn once, in the design guide:
 * {@code src/site/markdown/design/event-lifecycle.md}. A change to a transition here changes that page's table.
 *
 * <p>{@code processed}, {@code stale} and {@code ignored} are finished; retention never removes an unfinished event.
 */
package io.webhookinbox.events;
