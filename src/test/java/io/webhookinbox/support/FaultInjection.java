package io.webhookinbox.support;

/**
 * Real processing failures that live in the test database: applying an event to a flagged order raises inside
 * PostgreSQL until the flag is cleared, and every order write that does commit is counted, so a test can prove
 * an event was applied exactly once.
 */
public final class FaultInjection {
  private final TestDatabase db;

  private FaultInjection(TestDatabase db) {
    this.db = db;
  }

  public static FaultInjection install(TestDatabase db) {
    db.execute("CREATE TABLE test_failing_orders (external_order_id text PRIMARY KEY)");
    db.execute("CREATE TABLE test_applications (id bigserial PRIMARY KEY, external_order_id text, event_id text)");
    db.execute("""
      CREATE FUNCTION test_fail_flagged_orders() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM test_failing_orders WHERE external_order_id = NEW.external_order_id) THEN
          RAISE EXCEPTION 'injected failure for %', NEW.external_order_id;
        END IF;
        RETURN NEW;
      END $$""");
    db.execute("""
      CREATE FUNCTION test_count_applications() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO test_applications (external_order_id, event_id) VALUES (NEW.external_order_id, NEW.last_event_id);
        RETURN NEW;
      END $$""");
    db.execute("CREATE TRIGGER test_fail_flagged_orders BEFORE INSERT OR UPDATE ON orders"
      + " FOR EACH ROW EXECUTE FUNCTION test_fail_flagged_orders()");
    db.execute("CREATE TRIGGER test_count_applications AFTER INSERT OR UPDATE ON orders"
      + " FOR EACH ROW EXECUTE FUNCTION test_count_applications()");
    return new FaultInjection(db);
  }

  public void failOrder(String externalOrderId) {
    db.execute("INSERT INTO test_failing_orders VALUES (?) ON CONFLICT DO NOTHING", externalOrderId);
  }

  public void heal(String externalOrderId) {
    db.execute("DELETE FROM test_failing_orders WHERE external_order_id = ?", externalOrderId);
  }

  public void healAll() {
    db.execute("DELETE FROM test_failing_orders");
  }

  /** How many times an order write committed for this event. */
  public long applications(String eventId) {
    return db.count("SELECT count(*) FROM test_applications WHERE event_id = ?", eventId);
  }
}
