package io.webhookinbox.api;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

import java.time.Instant;
import java.util.List;

/** The one place where failures become the error envelope. Internals never reach the body. */
public final class FailureHandler implements Handler<RoutingContext> {
  /** Maps (and logs) a failure that is not already an API error: a database failure, an unexpected exception. */
  @FunctionalInterface
  public interface Classifier {
    ApiError classify(Throwable failure, String what);
  }

  private final Classifier classifier;

  public FailureHandler(Classifier classifier) {
    this.classifier = classifier;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    ApiError error = failure == null || failure instanceof ApiError || failure instanceof HttpException
      ? toApiError(failure, ctx.statusCode())
      : classifier.classify(failure, "handling " + ctx.request().method() + " " + ctx.normalizedPath());
    ctx.put(AccessLogHandler.ERROR_CODE, error.code().code());
    if (ctx.response().headWritten()) {
      // Too late for an envelope: the status line is gone. Closing tells the client the response is incomplete.
      ctx.response().reset();
      return;
    }
    if (!ctx.request().isEnded()) {
      // Refused before its body was read: the rest of the body is not read either, so the connection cannot carry
      // another request.
      ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
    }
    if (error.code() == ErrorCode.UNAUTHORIZED) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    }
    if (error.retryAfterSeconds() != null) {
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(error.retryAfterSeconds()));
    }
    Responses.send(ctx, error.status(), envelope(ctx, error));
  }

  /** The error a failed request ends in (INTERNAL_ERROR for anything unexpected). */
  public static ApiError toApiError(Throwable failure, int status) {
    if (failure instanceof ApiError apiError) {
      return apiError;
    }
    if (failure instanceof HttpException httpException) {
      return ApiError.of(ErrorCode.forStatus(httpException.getStatusCode()));
    }
    if (failure == null && status > 0) {
      return ApiError.of(ErrorCode.forStatus(status));
    }
    return ApiError.of(ErrorCode.INTERNAL_ERROR);
  }

  /**
   * The guide's two error shapes in one body: {@code status, message, code} at the top (its payment endpoint's
   * answer) and {@code success:false, error:{code, message, details, timestamp, path}}, where {@code details} is a
   * sentence. Each failing field with its reason is in {@code error.fieldErrors}.
   */
  private static JsonObject envelope(RoutingContext ctx, ApiError error) {
    List<FieldError> fields = error.details();
    JsonArray fieldErrors = new JsonArray();
    fields.forEach(field -> fieldErrors.add(field.toJson()));
    return new JsonObject()
      .put("success", false)
      .put("status", "error")
      .put("message", error.getMessage())
      .put("code", error.code().code())
      .put("error", new JsonObject()
        .put("code", error.code().code())
        .put("message", error.getMessage())
        .put("details", fields.isEmpty() ? null : String.join("; ", fields.stream().map(FieldError::sentence).toList()))
        .put("fieldErrors", fieldErrors)
        .put("timestamp", Instant.now().toString())
        .put("path", ctx.request().path())
        .put("correlationId", CorrelationIdHandler.get(ctx)));
  }
}
