package io.webhookinbox.source;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.webhookinbox.api.AccessLogHandler;
import io.webhookinbox.api.ApiError;
import io.webhookinbox.api.CorrelationIdHandler;
import io.webhookinbox.api.ErrorCode;
import io.webhookinbox.api.Responses;

/** Turns an ingest outcome into the HTTP answer every source gives; only the resource's field names differ. */
public final class Answers {
  private Answers() {
  }

  /**
   * 200 for processed / duplicate / stale / ignored, 202 when the event is stored but not applied yet, 409 for
   * an event id reused with a different payload.
   */
  public static void respond(RoutingContext ctx, IngestOutcome outcome, String idField, String versionField) {
    respond(ctx, outcome, idField, versionField, new JsonObject());
  }

  /** @param topLevel fields a source's contract puts beside {@code success} and {@code data} */
  public static void respond(RoutingContext ctx, IngestOutcome outcome, String idField, String versionField,
                             JsonObject topLevel) {
    ctx.put(AccessLogHandler.OUTCOME, outcome.status().json());
    if (outcome.status() == IngestStatus.CONFLICT) {
      ctx.fail(ApiError.field(ErrorCode.CONFLICT, "/eventId", "was already received with a different payload"));
      return;
    }
    boolean pending = outcome.status() == IngestStatus.QUEUED || outcome.status() == IngestStatus.DEAD;
    JsonObject data = new JsonObject()
      .put("eventId", outcome.eventId())
      .put("status", outcome.status().json())
      .put(idField, outcome.externalId())
      .put(versionField, outcome.resourceVersion())
      .put("correlationId", CorrelationIdHandler.get(ctx));
    if (outcome.recordExpired()) {
      data.put("recordExpired", true);
    }
    Responses.send(ctx, pending ? 202 : 200, new JsonObject().put("success", true).mergeIn(topLevel).put("data", data));
  }
}
