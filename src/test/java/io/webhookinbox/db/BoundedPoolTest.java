package io.webhookinbox.db;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Tuple;
import io.webhookinbox.config.DatabaseConfig;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The deadline of a use of the pool, seen from PostgreSQL: what ends late is never committed. */
@ExtendWith(PostgresExtension.class)
class BoundedPoolTest {
  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void aTransactionWhoseWorkEndsAfterItsDeadlineRollsBackThoughEveryStatementSucceeded(TestDatabase db) {
    db.execute("CREATE TABLE test_late (id text PRIMARY KEY)");
    BoundedPool pool = pool(db);
    // The insert succeeds at once; the work then idles past the one-second deadline, so the cancel finds no
    // statement to stop and only the deadline check before COMMIT can keep the row out.
    var late = pool.withTransaction(connection -> connection.preparedQuery("INSERT INTO test_late VALUES ($1)")
      .execute(Tuple.of("late"))
      .compose(inserted -> {
        Promise<String> idle = Promise.promise();
        vertx.setTimer(1500, id -> idle.complete("done"));
        return idle.future();
      }));

    assertThatThrownBy(late::await).isInstanceOf(BoundedPool.DeadlineExceeded.class);
    assertThat(db.count("SELECT count(*) FROM test_late")).isZero();
    assertThat(pool.withTransaction(connection -> connection.preparedQuery("INSERT INTO test_late VALUES ($1)")
      .execute(Tuple.of("in-time"))).map("stored").await()).isEqualTo("stored");
    assertThat(db.count("SELECT count(*) FROM test_late")).isEqualTo(1);
  }

  @Test
  void aUseWithADeadlineOfItsOwnIsCancelledThenAndItsConnectionServesTheNextUse(TestDatabase db) {
    BoundedPool pool = pool(db);
    long started = System.nanoTime();
    var slow = pool.withConnection(BoundedPool.LockWaits.DEADLINE, 200,
      connection -> connection.query("SELECT pg_sleep(5)").execute());

    assertThatThrownBy(slow::await).isInstanceOf(BoundedPool.DeadlineExceeded.class)
      .hasMessageContaining("200 ms");
    assertThat((System.nanoTime() - started) / 1_000_000).as("answered at its own deadline, not the pool's")
      .isLessThan(900);
    assertThat(pool.query("SELECT 1").map(rows -> rows.iterator().next().getInteger(0)).await()).isEqualTo(1);
    assertThat(pool.retiredPools()).as("the cancelled connection answered: no pool retired").isZero();
  }

  private BoundedPool pool(TestDatabase db) {
    DatabaseConfig config = MigrationLocksTest.config(db);
    return Pools.create(vertx, config, 1, "bounded-pool-test", () -> 1);
  }
}
