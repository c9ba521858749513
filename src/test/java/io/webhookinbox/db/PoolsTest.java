package io.webhookinbox.db;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.webhookinbox.config.DatabaseConfig;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** What the pools keep prepared on their connections, seen from PostgreSQL's side of one connection. */
@ExtendWith(PostgresExtension.class)
class PoolsTest {
  private static final String BY_DAY = Pools.plannedPerUse(
    "SELECT count(*) FROM webhook_events WHERE event_id = $1 AND received_at = $2");
  private static final String BY_KEY = "SELECT count(*) FROM webhook_event_keys WHERE event_id = $1";
  private static final String PREPARED_HERE =
    "SELECT statement FROM pg_prepared_statements WHERE from_sql IS FALSE AND statement IN ($1, $2)";

  @Test
  void statementsPlannedPerUseAreNeverKeptPreparedAndOthersAre(TestDatabase db) {
    DatabaseConfig config = MigrationLocksTest.config(db);
    Vertx vertx = Vertx.vertx();
    try {
      BoundedPool pool = Pools.createForKeyLookups(vertx, config, 1, "pools-test", () -> 5, 250);
      OffsetDateTime today = OffsetDateTime.now(ZoneOffset.UTC);
      var prepared = pool.withConnection(connection -> {
        var uses = connection.preparedQuery(BY_KEY).execute(Tuple.of("evt-pools"));
        // Past the fifth use, where PostgreSQL would build a generic plan for a statement kept prepared.
        for (int i = 0; i < 7; i++) {
          uses = uses.compose(done -> connection.preparedQuery(BY_DAY).execute(Tuple.of("evt-pools", today)));
        }
        return uses.compose(done -> connection.preparedQuery(PREPARED_HERE).execute(Tuple.of(BY_DAY, BY_KEY)));
      }).await();

      assertThat(prepared).extracting((Row row) -> row.getString("statement")).containsExactly(BY_KEY);
    } finally {
      vertx.close().await();
    }
  }
}
