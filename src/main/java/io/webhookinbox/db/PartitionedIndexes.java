package io.webhookinbox.db;

import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * After migrating, completes every index a migration created {@code ON ONLY} a partitioned table (V20): for each
 * partition without its part, builds it {@code CONCURRENTLY} (deliveries write on meanwhile; CREATE INDEX on the
 * partitioned table itself would block them for the whole build) and attaches it. Once every partition has its part,
 * PostgreSQL marks the parent index valid. Re-runnable: a build that gave up leaves an INVALID part, which
 * {@link LeftoverIndexes} drops before the next run, and this builds it again.
 */
final class PartitionedIndexes implements Callback {
  /** Partitioned indexes not valid yet, with each partition of their table that has no part of them. */
  static final String MISSING = """
    SELECT quote_ident(pi.relname) AS parent_index, pg_get_indexdef(pi.oid) AS definition,
           quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS partition, c.relname AS partition_name
      FROM pg_index x
      JOIN pg_class pi ON pi.oid = x.indexrelid AND pi.relkind = 'I'
      JOIN pg_namespace n ON n.oid = pi.relnamespace AND n.nspname = current_schema()
      JOIN pg_inherits h ON h.inhparent = x.indrelid AND NOT h.inhdetachpending
      JOIN pg_class c ON c.oid = h.inhrelid
     WHERE NOT x.indisvalid
       AND NOT EXISTS (SELECT 1 FROM pg_inherits ih JOIN pg_index ci ON ci.indexrelid = ih.inhrelid
                        WHERE ih.inhparent = x.indexrelid AND ci.indrelid = c.oid)
     ORDER BY pi.relname, c.relname DESC""";
  private static final Pattern ON_ONLY = Pattern.compile("^CREATE (UNIQUE )?INDEX \\S+ ON ONLY \\S+ (USING .*)$");
  private static final Logger LOG = LoggerFactory.getLogger(PartitionedIndexes.class);

  @Override
  public boolean supports(Event event, Context context) {
    return event == Event.AFTER_MIGRATE;
  }

  @Override
  public boolean canHandleInTransaction(Event event, Context context) {
    return false;
  }

  @Override
  public void handle(Event event, Context context) {
    Connection connection = context.getConnection();
    try {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(true);
      try (Statement statement = connection.createStatement()) {
        // A partition made while this runs gets its part when attached; loop until none is missing.
        for (List<String[]> missing = missing(statement); !missing.isEmpty(); missing = missing(statement)) {
          for (String[] part : missing) {
            build(statement, part[0], part[1], part[2], part[3]);
          }
        }
      } finally {
        connection.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot complete the partitioned indexes", e);
    }
  }

  private static List<String[]> missing(Statement statement) throws SQLException {
    List<String[]> missing = new ArrayList<>();
    try (ResultSet rows = statement.executeQuery(MISSING)) {
      while (rows.next()) {
        missing.add(new String[] {rows.getString("parent_index"), rows.getString("definition"),
          rows.getString("partition"), rows.getString("partition_name")});
      }
    }
    return missing;
  }

  private static void build(Statement statement, String parentIndex, String definition, String partition,
                            String partitionName) throws SQLException {
    Matcher matcher = ON_ONLY.matcher(definition);
    if (!matcher.matches()) {
      throw new IllegalStateException("Unexpected definition of " + parentIndex + ": " + definition);
    }
    String suffix = parentIndex.replaceFirst("^\"?[a-z_]*?_events_", "").replace("\"", "");
    String name = partitionName.length() + suffix.length() + 1 > 63
      ? partitionName.substring(0, 62 - suffix.length()) + "_" + suffix : partitionName + "_" + suffix;
    String part = "\"" + name.replace("\"", "") + "\"";
    long started = System.nanoTime();
    statement.execute("CREATE " + (matcher.group(1) == null ? "" : matcher.group(1)) + "INDEX CONCURRENTLY IF NOT EXISTS "
      + part + " ON " + partition + " " + matcher.group(2));
    statement.execute("ALTER INDEX " + parentIndex + " ATTACH PARTITION " + part);
    LOG.info("Index {} built on {} in {} ms and attached to {}", name, partitionName,
      (System.nanoTime() - started) / 1_000_000, parentIndex);
  }

  @Override
  public String getCallbackName() {
    return "partitioned-indexes";
  }
}
