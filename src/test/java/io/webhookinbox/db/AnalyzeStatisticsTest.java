package io.webhookinbox.db;

import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.InboxExtension;
import io.webhookinbox.support.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ANALYZE leaves the stored JSON documents out (no query filters on them, and sorting them was most of its work)
 * and still gathers the columns the planner uses: on the day's partition events are written to, on orders, and on
 * a partition made later by the retention job's function.
 */
@ExtendWith(PostgresExtension.class)
class AnalyzeStatisticsTest {
  private static final String ANALYZED_COLUMNS = "SELECT attname FROM pg_stats WHERE schemaname = current_schema()"
    + " AND tablename = ?";

  @RegisterExtension
  static final InboxExtension inbox = new InboxExtension();

  @Test
  void analyzeSkipsDocumentsAndKeepsTheColumnsQueriesFilterOn() {
    for (int i = 0; i < 3; i++) {
      assertThat(inbox.service().postCisive(CisiveEvents.created("evt-analyze-" + i, "ORD-ANALYZE-" + i))
        .statusCode()).isEqualTo(200);
    }
    String partition = inbox.db().one("SELECT c.relname AS p FROM webhook_events e JOIN pg_class c ON c.oid = e.tableoid"
      + " WHERE e.event_id = 'evt-analyze-0'").getString("p");
    inbox.db().execute("ANALYZE " + partition + ", orders");

    assertThat(analyzed(partition)).contains("event_type", "external_id", "status").doesNotContain("payload");
    assertThat(analyzed("orders")).contains("external_order_id", "status").doesNotContain("candidate", "document");
  }

  @Test
  void aPartitionAddedLaterTakesItsParentsStatisticsTargets() {
    // A target set on the parent alone (ONLY) after V10 is copied too, not just payload's.
    inbox.db().execute("ALTER TABLE ONLY webhook_events ALTER COLUMN principal SET STATISTICS 50");
    try {
      inbox.db().execute("SELECT webhook_inbox_add_partitions(current_date + 300, current_date + 300)");
      String partition = inbox.db().one("SELECT 'webhook_events_p' || to_char(current_date + 300, 'YYYYMMDD') AS p")
        .getString("p");

      assertThat(statisticsTarget(partition, "payload")).isZero();
      assertThat(statisticsTarget(partition, "principal")).isEqualTo(50);
      inbox.db().execute("DROP TABLE " + partition);
    } finally {
      inbox.db().execute("ALTER TABLE ONLY webhook_events ALTER COLUMN principal SET STATISTICS -1");
    }
  }

  private static Integer statisticsTarget(String table, String column) {
    return inbox.db().one("SELECT attstattarget FROM pg_attribute WHERE attrelid = ?::regclass AND attname = ?",
      table, column).getInteger("attstattarget");
  }

  private static List<String> analyzed(String table) {
    return inbox.db().query(ANALYZED_COLUMNS, table).stream().map(row -> row.getString("attname")).toList();
  }
}
