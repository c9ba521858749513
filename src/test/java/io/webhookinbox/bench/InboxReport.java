package io.webhookinbox.bench;

import io.webhookinbox.support.TestDatabase;

/**
 * After a load run: what PostgreSQL holds. Every event stored once, every order matching its newest event, and
 * the statistics rollup's size after real one-event-per-transaction ingestion.
 * Arguments: host port database user [password].
 */
public final class InboxReport {
  private InboxReport() {
  }

  public static void main(String[] args) {
    TestDatabase db = new TestDatabase(args[0], Integer.parseInt(args[1]), args[2], args[3],
      args.length > 4 ? args[4] : "");
    System.out.println("events by status: " + db.query("SELECT status, count(*) AS events FROM webhook_events"
      + " GROUP BY status ORDER BY status"));
    System.out.printf("distinct event ids: %,d of %,d rows%n", db.count("SELECT count(DISTINCT event_id) FROM webhook_events"),
      db.count("SELECT count(*) FROM webhook_events"));
    System.out.printf("orders: %,d; orders whose last event is not their newest stored one: %,d%n",
      db.count("SELECT count(*) FROM orders"),
      db.count("SELECT count(*) FROM orders o WHERE o.last_event_id <> (SELECT e.event_id FROM webhook_events e"
        + " WHERE e.external_id = o.external_order_id AND e.status IN ('processed', 'stale')"
        + " ORDER BY e.occurred_at DESC, e.event_id DESC LIMIT 1)"));
    StatisticsBenchmark.printRollupSize(db, "after this run");
    System.exit(0);
  }
}
