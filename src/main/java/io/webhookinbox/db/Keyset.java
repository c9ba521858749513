package io.webhookinbox.db;

import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.webhookinbox.api.KeysetCursor;
import io.webhookinbox.api.Page;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Keyset paging newest first on (a time column, id): a query asks for {@link #rowsFor} rows after the cursor's
 * position ({@code (at, id) < (cursor.at, cursor.id)}), and {@link #page} keeps {@code limit} of them; the extra one
 * says whether a next page exists. Pages never skip or repeat rows, whatever arrives meanwhile.
 */
public final class Keyset {
  private Keyset() {
  }

  /** How many rows to fetch for a page of {@code limit}. */
  public static int rowsFor(int limit) {
    return limit + 1;
  }

  /** @param atColumn the time column the listing is ordered by (then {@code id}) */
  public static <T> Page<T> page(RowSet<Row> rows, int limit, String atColumn, Function<Row, T> map) {
    List<Row> list = new ArrayList<>(rows.size());
    rows.forEach(list::add);
    return page(list, limit, atColumn, map);
  }

  /** The same for rows gathered by several queries, in order. */
  public static <T> Page<T> page(List<Row> rows, int limit, String atColumn, Function<Row, T> map) {
    List<T> items = new ArrayList<>(Math.min(limit, rows.size()));
    Row last = null;
    for (Row row : rows) {
      if (items.size() == limit) {
        break;
      }
      items.add(map.apply(row));
      last = row;
    }
    KeysetCursor next = rows.size() > limit ? new KeysetCursor(last.getOffsetDateTime(atColumn), last.getLong("id"))
      : null;
    return new Page<>(items, next);
  }
}
