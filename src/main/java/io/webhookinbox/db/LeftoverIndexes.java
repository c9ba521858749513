package io.webhookinbox.db;

import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Before migrating, drops the INVALID indexes that an index build {@code CONCURRENTLY} leaves when it fails or
 * gives up (V5): the rerun's {@code CREATE INDEX CONCURRENTLY IF NOT EXISTS} would otherwise see the name taken and
 * keep an index that is never used for reads. A build still in progress (another migrator) is left alone, and so is
 * a partitioned index: it stays INVALID until {@link PartitionedIndexes} has built its part on every partition.
 */
final class LeftoverIndexes implements Callback {
  static final String INVALID = """
    SELECT quote_ident(c.relname) AS name FROM pg_index i
      JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE NOT i.indisvalid AND n.nspname = current_schema() AND c.relkind = 'i'
       AND NOT EXISTS (SELECT 1 FROM pg_stat_progress_create_index p
                        WHERE p.index_relid = i.indexrelid
                          AND p.datid = (SELECT oid FROM pg_database WHERE datname = current_database()))""";
  private static final Logger LOG = LoggerFactory.getLogger(LeftoverIndexes.class);

  @Override
  public boolean supports(Event event, Context context) {
    return event == Event.BEFORE_MIGRATE;
  }

  @Override
  public boolean canHandleInTransaction(Event event, Context context) {
    return true;
  }

  @Override
  public void handle(Event event, Context context) {
    try (Statement statement = context.getConnection().createStatement()) {
      List<String> names = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery(INVALID)) {
        while (rows.next()) {
          names.add(rows.getString("name"));
        }
      }
      for (String name : names) {
        LOG.warn("Dropping index {}, left INVALID by an index build that did not finish; the migration rebuilds it",
          name);
        statement.execute("DROP INDEX IF EXISTS " + name);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot drop invalid indexes left by a failed migration", e);
    }
  }

  @Override
  public String getCallbackName() {
    return "leftover-indexes";
  }
}
