package io.webhookinbox.admin;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.webhookinbox.api.ApiError;
import io.webhookinbox.api.ErrorCode;
import io.webhookinbox.api.KeysetCursor;
import io.webhookinbox.api.Page;
import io.webhookinbox.api.Rfc3339;
import io.webhookinbox.audit.Action;
import io.webhookinbox.audit.AuditEntry;
import io.webhookinbox.audit.AuditTrail;
import io.webhookinbox.audit.Caller;
import io.webhookinbox.db.BoundedPool;
import io.webhookinbox.db.Keyset;
import io.webhookinbox.source.PayloadPaths;
import io.webhookinbox.source.Source;
import io.webhookinbox.telemetry.Tracing;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One stored event in detail, and event listings newest first. */
public final class Events {
  private static final String SUMMARY_COLUMNS = "id, source, event_id, event_type, external_id, status, processing_ms,"
    + " received_at, processed_at, attempts, last_error, correlation_id";

  /** The payload is read for the source's metadata (and shown only to those who may see payloads). */
  static final String EVENT = "SELECT " + SUMMARY_COLUMNS + ", occurred_at, schema_version, principal,"
    + " payload_sha256, next_attempt_at, resource_version, trace_parent, payload"
    + " FROM webhook_events WHERE event_id = $1 AND ($2::text IS NULL OR source = $2)";

  static final String ATTEMPTS = "SELECT attempt, started_at, finished_at, outcome, error"
    + " FROM webhook_event_attempts WHERE event_row_id = $1 AND event_received_at = $2 ORDER BY attempt";

  /**
   * How much of the payload a lookup answers: none, {@linkplain PayloadPaths#mask masked} (the values its source
   * lists as public, every other value replaced), or as stored.
   */
  public enum PayloadView { NONE, MASKED, FULL }

  /**
   * Payloads have no planner statistics (V10: sampling them cost more than it ever served), so PostgreSQL guesses
   * that a containment matches 1 % of a partition and walks the receipt-time index newest first, filtering every
   * payload: for the rare value a search is after, that reads the whole window (250 ms at 200,000 events, seconds at
   * millions). Without plain index scans it takes the payload index in each day's partition, newest day first, and
   * stops once the page is full.
   */
  static final String GIN_FIRST = "SET LOCAL enable_indexscan = off";
  /** A payload search's windows back from its upper end: the newest day, the week, then the rest. */
  static final List<Duration> PAYLOAD_STEPS = List.of(Duration.ofDays(1), Duration.ofDays(7));

  /** An event by id; {@code source} null when only one source used the id. */
  public record Lookup(String eventId, String source, PayloadView view) {
  }

  /** Listing filters (null: any) and the page wanted. */
  public record Search(String status, String source, String eventType, String externalId, OffsetDateTime from,
                       OffsetDateTime to, PayloadSearch.Filter payload, KeysetCursor cursor, int limit) {
  }

  /** An event as listings show it; {@code idField} is how its source names its resource id. */
  public record Summary(String eventId, String source, String eventType, String idField, String externalId,
                        String status, Integer processingMs, OffsetDateTime receivedAt, OffsetDateTime processedAt,
                        int attempts, String lastError, String correlationId) {
    public JsonObject toJson() {
      return new JsonObject()
        .put("eventId", eventId)
        .put("source", source)
        .put("eventType", eventType)
        .put(idField, externalId)
        .put("processingStatus", guideStatus(status))
        .put("inboxStatus", status)
        .put("processingTimeMs", processingMs)
        .put("receivedAt", Rfc3339.utc(receivedAt))
        .put("processedAt", Rfc3339.utc(processedAt))
        .put("retryCount", Math.max(0, attempts - 1))
        .put("errorMessage", lastError)
        .put("correlationId", correlationId);
    }
  }

  /** One attempt of the attempts log. */
  public record Attempt(int attempt, OffsetDateTime startedAt, OffsetDateTime finishedAt, String outcome,
                        String error) {
    JsonObject toJson() {
      return new JsonObject().put("attempt", attempt).put("startedAt", Rfc3339.utc(startedAt))
        .put("finishedAt", Rfc3339.utc(finishedAt)).put("outcome", outcome).put("error", error);
    }
  }

  /**
   * An event in detail: what the inbox knows of it besides the summary, and the payload when asked for.
   *
   * @param metadata    what its source shows of the payload (see {@link Source#eventMetadata})
   * @param traceParent the W3C trace context of the request that delivered it, when that was traced
   * @param payload     null unless the lookup included it
   */
  public record Detail(Summary summary, Object metadata, OffsetDateTime occurredAt, String schemaVersion,
                       String principal, String payloadSha256, OffsetDateTime nextAttemptAt, Integer resourceVersion,
                       String traceParent, List<Attempt> attemptHistory, Object payload) {
    public JsonObject toJson() {
      JsonArray history = new JsonArray();
      attemptHistory.forEach(attempt -> history.add(attempt.toJson()));
      JsonObject event = summary.toJson().put("metadata", metadata).put("inbox", new JsonObject()
        .put("occurredAt", Rfc3339.utc(occurredAt))
        .put("schemaVersion", schemaVersion)
        .put("principal", principal)
        .put("payloadSha256", payloadSha256)
        .put("attempts", summary.attempts())
        .put("nextAttemptAt", Rfc3339.utc(nextAttemptAt))
        .put("resourceVersion", resourceVersion)
        .put("traceId", Tracing.traceIdOf(traceParent))
        .put("attemptHistory", history));
      if (payload != null) {
        event.put("payload", payload);
      }
      return event;
    }
  }

  private final BoundedPool pool;
  private final Map<String, Source> sources;

  /** @param pool the operators' pool; @param sources by name */
  public Events(BoundedPool pool, Map<String, Source> sources) {
    this.pool = pool;
    this.sources = Map.copyOf(sources);
  }

  public Future<Detail> event(Lookup lookup) {
    return pool.preparedQuery(EVENT, Tuple.of(lookup.eventId(), lookup.source())).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(new ApiError(ErrorCode.NOT_FOUND, "No event with id " + lookup.eventId()));
      }
      if (rows.size() > 1) {
        return Future.failedFuture(new ApiError(ErrorCode.BAD_REQUEST,
          "Several sources used this event id; add ?source=" + String.join(" or ?source=", sources.keySet().stream()
            .sorted().toList())));
      }
      Row row = rows.iterator().next();
      return pool.preparedQuery(ATTEMPTS, Tuple.of(row.getLong("id"), row.getOffsetDateTime("received_at")))
        .map(attempts -> {
          List<Attempt> history = new ArrayList<>();
          attempts.forEach(attempt -> history.add(new Attempt(attempt.getInteger("attempt"),
            attempt.getOffsetDateTime("started_at"), attempt.getOffsetDateTime("finished_at"),
            attempt.getString("outcome"), attempt.getString("error"))));
          JsonObject payload = row.getValue("payload") instanceof JsonObject stored ? stored : new JsonObject();
          Source source = sources.get(row.getString("source"));
          boolean full = lookup.view() == PayloadView.FULL;
          Object shown = switch (lookup.view()) {
            case NONE -> null;
            case MASKED -> PayloadPaths.mask(row.getValue("payload"), source == null ? Set.of()
              : source.publicPayloadPaths());
            case FULL -> row.getValue("payload");
          };
          return new Detail(summary(row), source == null ? null : source.eventMetadata(payload, full),
            row.getOffsetDateTime("occurred_at"), row.getString("schema_version"), row.getString("principal"),
            row.getString("payload_sha256"), row.getOffsetDateTime("next_attempt_at"),
            row.getInteger("resource_version"), row.getString("trace_parent"), history, shown);
        });
    });
  }

  /**
   * The event with its payload as stored, for an operator with {@code webhooks:pii} who asked to see it: the reveal
   * is recorded in the audit trail first (no record, no reveal).
   */
  public Future<Detail> reveal(Lookup lookup, Caller caller) {
    return pool.withTransaction(connection -> AuditTrail.record(connection, AuditEntry.succeeded(caller,
        Action.PERSONAL_DATA_REVEAL, lookup.eventId(), new JsonObject().put("source", lookup.source())
          .put("what", "event payload"), new JsonObject())))
      .compose(recorded -> event(new Lookup(lookup.eventId(), lookup.source(), PayloadView.FULL)));
  }

  /** Newest first; only the filters in use appear in the SQL, so each combination gets a plan that can use its index. */
  public Future<Page<Summary>> search(Search search) {
    List<String> where = new ArrayList<>();
    Tuple params = Tuple.tuple();
    addFilter(where, params, "status = $", search.status());
    addFilter(where, params, "source = $", search.source());
    addFilter(where, params, "event_type = $", search.eventType());
    addFilter(where, params, "external_id = $", search.externalId());
    addFilter(where, params, "received_at >= $", search.from());
    addFilter(where, params, "received_at < $", search.to());
    if (search.payload() != null) {
      List<String> anyOf = new ArrayList<>();
      for (JsonObject containment : search.payload().anyOf()) {
        params.addValue(containment);
        anyOf.add("payload @> $" + params.size());
      }
      where.add("(" + String.join(" OR ", anyOf) + ")");
      if (search.payload().sources() != null) {
        params.addValue(search.payload().sources().toArray(String[]::new));
        where.add("source = ANY($" + params.size() + ")");
      }
    }
    if (search.cursor() != null) {
      params.addValue(search.cursor().at()).addValue(search.cursor().id());
      where.add("(received_at, id) < ($" + (params.size() - 1) + ", $" + params.size() + ")");
    }
    if (search.payload() != null) {
      return searchPayloads(search, where, params);
    }
    params.addValue(Keyset.rowsFor(search.limit()));
    String sql = "SELECT " + SUMMARY_COLUMNS + " FROM webhook_events"
      + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
      + " ORDER BY received_at DESC, id DESC LIMIT $" + params.size();
    return pool.preparedQuery(sql, params).map(rows -> Keyset.page(rows, search.limit(), "received_at",
      this::summary));
  }

  /**
   * A payload search reads the newest day of its window first, then the six days before, then the rest, and stops
   * once the page is full: PostgreSQL sorts all a query's matches before it keeps the newest, so a value that a
   * sixth of the events hold costs one day's matches (0.1 s at 5 million events over 30 days) instead of the
   * whole window's, thirty times as many, while a rare value costs three index lookups per partition at most.
   */
  private Future<Page<Summary>> searchPayloads(Search search, List<String> where, Tuple params) {
    OffsetDateTime upper = search.cursor() != null ? search.cursor().at()
      : search.to() != null ? search.to() : OffsetDateTime.now(ZoneOffset.UTC);
    List<OffsetDateTime[]> windows = new ArrayList<>();
    OffsetDateTime top = null;
    for (Duration step : PAYLOAD_STEPS) {
      OffsetDateTime bottom = upper.minus(step);
      windows.add(new OffsetDateTime[] {bottom, top});
      top = bottom;
    }
    windows.add(new OffsetDateTime[] {null, top});
    List<Row> found = new ArrayList<>();
    int wanted = Keyset.rowsFor(search.limit());
    return pool.withTransaction(connection -> {
      Future<Void> chain = connection.query(GIN_FIRST).execute().mapEmpty();
      for (OffsetDateTime[] window : windows) {
        chain = chain.compose(previous -> {
          if (found.size() >= wanted || search.from() != null && window[1] != null && !search.from().isBefore(window[1])) {
            return Future.succeededFuture();
          }
          List<String> conditions = new ArrayList<>(where);
          Tuple tuple = Tuple.tuple();
          for (int i = 0; i < params.size(); i++) {
            tuple.addValue(params.getValue(i));
          }
          addFilter(conditions, tuple, "received_at >= $", window[0]);
          addFilter(conditions, tuple, "received_at < $", window[1]);
          tuple.addValue(wanted - found.size());
          String sql = "SELECT " + SUMMARY_COLUMNS + " FROM webhook_events WHERE " + String.join(" AND ", conditions)
            + " ORDER BY received_at DESC, id DESC LIMIT $" + tuple.size();
          return connection.preparedQuery(sql).execute(tuple).map(rows -> {
            rows.forEach(found::add);
            return null;
          });
        });
      }
      return chain.map(done -> Keyset.page(found, search.limit(), "received_at", this::summary));
    });
  }

  private static void addFilter(List<String> where, Tuple params, String condition, Object value) {
    if (value != null) {
      params.addValue(value);
      where.add(condition + params.size());
    }
  }

  private Summary summary(Row row) {
    String source = row.getString("source");
    Source known = sources.get(source);
    return new Summary(row.getString("event_id"), source, row.getString("event_type"),
      known == null ? "externalId" : known.idField(), row.getString("external_id"), row.getString("status"),
      row.getInteger("processing_ms"), row.getOffsetDateTime("received_at"), row.getOffsetDateTime("processed_at"),
      row.getInteger("attempts"), row.getString("last_error"), row.getString("correlation_id"));
  }

  /**
   * The guide's processing status: {@code completed} (processed, stale, ignored: nothing left to do),
   * {@code processing}, or {@code failed} (waiting for a retry, or dead). {@code inboxStatus} keeps ours.
   */
  static String guideStatus(String status) {
    return switch (status) {
      case "processing" -> "processing";
      case "failed", "dead" -> "failed";
      default -> "completed";
    };
  }
}
