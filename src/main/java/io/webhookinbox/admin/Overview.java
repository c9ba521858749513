package io.webhookinbox.admin;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.webhookinbox.api.Rfc3339;
import io.webhookinbox.db.BoundedPool;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * What the console's overview shows besides the statistics: events received per minute by source and outcome over
 * the last hour, the retry backlog and the dead letters, and the dead letters grouped by error. Each figure is one
 * query over an index (the receipt-time index for the hour, the partial index of events needing attention for the
 * rest), so the page can refresh itself.
 */
public final class Overview {
  static final String PER_MINUTE = """
    SELECT date_trunc('minute', received_at) AS minute, source, status, count(*) AS events
      FROM webhook_events WHERE received_at >= $1
     GROUP BY 1, 2, 3 ORDER BY 1, 2, 3""";

  /** Over the whole inbox: failed and dead are kept (retention keeps unfinished events), so they are few. */
  static final String BACKLOG = """
    SELECT count(*) FILTER (WHERE status = 'failed') AS retry_backlog,
           count(*) FILTER (WHERE status = 'dead') AS dead_letters
      FROM webhook_events WHERE status IN ('failed', 'dead', 'ignored')""";

  static final String DEAD_LETTER_GROUPS = """
    SELECT source, event_type, coalesce(last_error, '') AS last_error, count(*) AS events,
           min(received_at) AS first_received, max(received_at) AS last_received
      FROM webhook_events
     WHERE status = 'dead' AND ($1::timestamptz IS NULL OR received_at >= $1)
       AND ($2::timestamptz IS NULL OR received_at < $2)
     GROUP BY 1, 2, 3 ORDER BY count(*) DESC, max(received_at) DESC, 1, 2, 3 LIMIT 200""";

  static final String STATUSES = """
    SELECT status, count(*) AS events FROM webhook_events WHERE event_id = ANY($1) GROUP BY status""";

  /** Events of one minute, source and status. */
  public record Minute(OffsetDateTime minute, String source, String status, long events) {
    JsonObject toJson() {
      return new JsonObject().put("minute", Rfc3339.utc(minute)).put("source", source).put("status", status)
        .put("events", events);
    }
  }

  /** The per-minute series since {@code since}, and the whole inbox's backlog. */
  public record Activity(OffsetDateTime since, List<Minute> minutes, long retryBacklog, long deadLetters) {
    public JsonObject toJson() {
      JsonArray series = new JsonArray();
      minutes.forEach(minute -> series.add(minute.toJson()));
      return new JsonObject().put("since", Rfc3339.utc(since)).put("perMinute", series)
        .put("retryBacklog", retryBacklog).put("deadLetters", deadLetters);
    }
  }

  /** Dead letters with one source, type and last error. */
  public record DeadLetterGroup(String source, String eventType, String lastError, long events,
                                OffsetDateTime firstReceived, OffsetDateTime lastReceived) {
    public JsonObject toJson() {
      return new JsonObject().put("source", source).put("eventType", eventType).put("lastError", lastError)
        .put("events", events).put("firstReceived", Rfc3339.utc(firstReceived))
        .put("lastReceived", Rfc3339.utc(lastReceived));
    }
  }

  private final BoundedPool pool;

  /** @param pool the operators' pool */
  public Overview(BoundedPool pool) {
    this.pool = pool;
  }

  public Future<Activity> activity(OffsetDateTime since) {
    return pool.withConnection(connection -> connection.preparedQuery(PER_MINUTE).execute(Tuple.of(since))
      .compose(minutes -> connection.query(BACKLOG).execute().map(backlog -> {
        List<Minute> series = new ArrayList<>();
        for (Row row : minutes) {
          series.add(new Minute(row.getOffsetDateTime("minute"), row.getString("source"), row.getString("status"),
            row.getLong("events")));
        }
        Row counts = backlog.iterator().next();
        return new Activity(since, series, counts.getLong("retry_backlog"), counts.getLong("dead_letters"));
      })));
  }

  /** Dead letters received in the window (null ends: open), grouped; the 200 largest groups. */
  public Future<List<DeadLetterGroup>> deadLetters(OffsetDateTime from, OffsetDateTime to) {
    return pool.preparedQuery(DEAD_LETTER_GROUPS, Tuple.of(from, to)).map(rows -> {
      List<DeadLetterGroup> groups = new ArrayList<>();
      rows.forEach(row -> groups.add(new DeadLetterGroup(row.getString("source"), row.getString("event_type"),
        row.getString("last_error"), row.getLong("events"), row.getOffsetDateTime("first_received"),
        row.getOffsetDateTime("last_received"))));
      return groups;
    });
  }

  /** How many of these events are in each status now: the progress of a bulk replay. */
  public Future<JsonObject> statuses(List<String> eventIds) {
    return pool.preparedQuery(STATUSES, Tuple.of((Object) eventIds.toArray(String[]::new))).map(rows -> {
      JsonObject counts = new JsonObject();
      rows.forEach(row -> counts.put(row.getString("status"), row.getLong("events")));
      return counts;
    });
  }
}
