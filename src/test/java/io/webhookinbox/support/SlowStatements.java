package io.webhookinbox.support;

/**
 * A slow database, for as long as this is held: every statement that writes {@code orders} waits inside PostgreSQL
 * (a statement trigger) until {@link #release()}. It waits by sleeping, not on a lock, so a lock timeout does not
 * end it; cancelling it works, as it would for a real slow query.
 */
public final class SlowStatements implements AutoCloseable {
  private final TestDatabase db;

  private SlowStatements(TestDatabase db) {
    this.db = db;
  }

  public static SlowStatements onOrders(TestDatabase db) {
    db.execute("CREATE TABLE IF NOT EXISTS test_hold (held boolean NOT NULL)");
    db.execute("DELETE FROM test_hold");
    db.execute("INSERT INTO test_hold VALUES (true)");
    db.execute("CREATE OR REPLACE FUNCTION test_hold() RETURNS trigger LANGUAGE plpgsql AS $$"
      + " BEGIN WHILE (SELECT held FROM test_hold) LOOP PERFORM pg_sleep(0.05); END LOOP; RETURN NULL; END $$");
    db.execute("CREATE TRIGGER test_hold_orders BEFORE INSERT OR UPDATE ON orders FOR EACH STATEMENT"
      + " EXECUTE FUNCTION test_hold()");
    return new SlowStatements(db);
  }

  /** Statements waiting now go on, and later ones no longer wait. */
  public void release() {
    db.execute("UPDATE test_hold SET held = false");
  }

  @Override
  public void close() {
    release();
    db.execute("DROP TRIGGER IF EXISTS test_hold_orders ON orders");
  }
}
