package io.webhookinbox.approvals;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.webhookinbox.api.ApiError;
import io.webhookinbox.api.ErrorCode;
import io.webhookinbox.api.Rfc3339;
import io.webhookinbox.audit.Action;
import io.webhookinbox.audit.AuditEntry;
import io.webhookinbox.audit.AuditTrail;
import io.webhookinbox.audit.Caller;
import io.webhookinbox.db.BoundedPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Four-eyes: a dangerous action (a large bulk replay, a personal-data erasure) asked for by one operator runs only
 * when a second, different operator (compared by the identity provider's subject) approves it before it lapses.
 * The request and each decision are audit rows of their own, in the same transaction as the change to the request;
 * the action, run on approval, records itself as always, by the approver.
 */
public final class Approvals {
  private static final Logger LOG = LoggerFactory.getLogger(Approvals.class);

  static final String INSERT = """
    INSERT INTO operator_approvals (action, target, parameters, requested_by, requested_subject, expires_at)
    VALUES ($1, $2, $3, $4, $5, now() + $6::bigint * interval '1 second')
    RETURNING id, requested_at, expires_at""";

  static final String LIST = """
    SELECT id, action, target, parameters, requested_by, requested_subject, requested_at, expires_at, status,
           decided_by, decided_at, result, status = 'pending' AND expires_at <= now() AS lapsed
      FROM operator_approvals ORDER BY status <> 'pending', requested_at DESC, id DESC LIMIT 100""";

  static final String ONE = """
    SELECT id, action, target, parameters, requested_by, requested_subject, requested_at, expires_at, status,
           decided_by, decided_at, result, status = 'pending' AND expires_at <= now() AS lapsed
      FROM operator_approvals WHERE id = $1 FOR UPDATE""";

  static final String DECIDE = """
    UPDATE operator_approvals SET status = $2, decided_by = $3, decided_subject = $4, decided_at = now()
     WHERE id = $1""";

  static final String RESULT = "UPDATE operator_approvals SET status = $2, result = $3 WHERE id = $1";

  /** One request, as listed. */
  public record Request(long id, String action, String target, JsonObject parameters, String requestedBy,
                        String requestedSubject, OffsetDateTime requestedAt, OffsetDateTime expiresAt, String status,
                        String decidedBy, OffsetDateTime decidedAt, JsonObject result) {
    public JsonObject toJson() {
      return new JsonObject().put("id", id).put("action", action).put("target", target).put("parameters", parameters)
        .put("requestedBy", requestedBy).put("requestedAt", Rfc3339.utc(requestedAt))
        .put("expiresAt", Rfc3339.utc(expiresAt)).put("status", status).put("decidedBy", decidedBy)
        .put("decidedAt", Rfc3339.utc(decidedAt)).put("result", result);
    }
  }

  /** Runs an approved action as {@code approver}; answers its result (no personal data: it is stored). */
  @FunctionalInterface
  public interface Runner extends Function<Request, Function<Caller, Future<JsonObject>>> {
  }

  private final BoundedPool pool;
  private final Duration expiry;

  /** @param pool the operators' pool */
  public Approvals(BoundedPool pool, Duration expiry) {
    this.pool = pool;
    this.expiry = expiry;
  }

  /** Records the request and its audit row together. */
  public Future<Request> request(Action action, String target, JsonObject parameters, Caller caller, String subject) {
    return pool.withTransaction(connection -> connection.preparedQuery(INSERT)
      .execute(Tuple.of(action.value(), target, parameters, caller.actor(), subject, expiry.toSeconds()))
      .compose(rows -> {
        Row row = rows.iterator().next();
        Request request = new Request(row.getLong("id"), action.value(), target, parameters, caller.actor(), subject,
          row.getOffsetDateTime("requested_at"), row.getOffsetDateTime("expires_at"), "pending", null, null, null);
        return AuditTrail.record(connection, AuditEntry.succeeded(caller, Action.APPROVAL_REQUEST, target,
            new JsonObject().put("approvalId", request.id()).put("action", action.value()).put("parameters", parameters),
            new JsonObject().put("expiresAt", Rfc3339.utc(request.expiresAt()))))
          .map(request);
      }))
      .onSuccess(request -> LOG.info("Approval {} requested for {} by {}", request.id(), action.value(), caller.actor()));
  }

  /** The pending requests first, then the latest decided ones; a pending request past its time reads "expired". */
  public Future<List<Request>> list() {
    return pool.query(LIST).map(rows -> {
      List<Request> requests = new ArrayList<>();
      rows.forEach(row -> requests.add(request(row)));
      return requests;
    });
  }

  /**
   * Approves request {@code id} as {@code approver} and runs it: 404 unknown, 409 when decided or lapsed already,
   * 403 when the approver asked for it. The decision commits first (so no second approval can run it again); the
   * action's outcome is then stored with the request.
   */
  public Future<Request> approve(long id, Caller approver, String subject, Runner runner) {
    return pool.withTransaction(connection -> decide(connection, id, "approved", approver, subject))
      .compose(request -> runner.apply(request).apply(approver)
        .transform(done -> {
          JsonObject result = done.succeeded() ? done.result() : failure(done.cause());
          String status = done.succeeded() ? "approved" : "failed";
          return pool.preparedQuery(RESULT, Tuple.of(id, status, result)).map(stored -> new Request(request.id(),
            request.action(), request.target(), request.parameters(), request.requestedBy(), request.requestedSubject(),
            request.requestedAt(), request.expiresAt(), status, approver.actor(), OffsetDateTime.now(), result));
        }));
  }

  /** Rejects (or, by its requester, withdraws) request {@code id}. */
  public Future<Request> reject(long id, Caller caller, String subject) {
    return pool.withTransaction(connection -> decide(connection, id, "rejected", caller, subject));
  }

  private Future<Request> decide(SqlConnection connection, long id, String status, Caller caller, String subject) {
    return connection.preparedQuery(ONE).execute(Tuple.of(id)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(new ApiError(ErrorCode.NOT_FOUND, "No approval request " + id));
      }
      Request request = request(rows.iterator().next());
      if (!request.status().equals("pending")) {
        return Future.failedFuture(new ApiError(ErrorCode.INVALID_STATE, "Approval request " + id + " is "
          + request.status()));
      }
      boolean own = request.requestedSubject().equals(subject);
      if (status.equals("approved") && own) {
        return Future.failedFuture(ApiError.field(ErrorCode.FORBIDDEN, "approver",
          "must be a second operator, not the one who asked"));
      }
      Action action = status.equals("approved") ? Action.APPROVAL_APPROVE : Action.APPROVAL_REJECT;
      return connection.preparedQuery(DECIDE).execute(Tuple.of(id, status, caller.actor(), own ? null : subject))
        .compose(updated -> AuditTrail.record(connection, AuditEntry.succeeded(caller, action, request.target(),
          new JsonObject().put("approvalId", id).put("action", request.action())
            .put("requestedBy", request.requestedBy()).put("parameters", request.parameters()),
          new JsonObject().put("status", status))))
        .map(request);
    });
  }

  private static JsonObject failure(Throwable cause) {
    JsonObject result = new JsonObject().put("error", cause instanceof ApiError error ? error.getMessage()
      : "the action failed; the log has the cause");
    if (cause instanceof ApiError error) {
      result.put("code", error.code().code());
    } else {
      LOG.error("An approved action failed", cause);
    }
    return result;
  }

  private static Request request(Row row) {
    String status = row.getBoolean("lapsed") ? "expired" : row.getString("status");
    return new Request(row.getLong("id"), row.getString("action"), row.getString("target"),
      row.getJsonObject("parameters"), row.getString("requested_by"), row.getString("requested_subject"),
      row.getOffsetDateTime("requested_at"), row.getOffsetDateTime("expires_at"), status, row.getString("decided_by"),
      row.getOffsetDateTime("decided_at"), row.getJsonObject("result"));
  }

  /** For a list of requests as JSON. */
  public static JsonArray toJson(List<Request> requests) {
    JsonArray array = new JsonArray();
    requests.forEach(request -> array.add(request.toJson()));
    return array;
  }
}
