package io.webhookinbox.ingest;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.webhookinbox.http.ApiError;
import io.webhookinbox.http.ErrorCode;

/** The HTTP side of the event bus hop to the worker; maps every way it can fail to an error envelope. */
public final class IngestClient {
  private static final int RETRY_AFTER_SECONDS = 5;

  private final EventBus eventBus;
  private final long timeoutMs;

  public IngestClient(EventBus eventBus, long timeoutMs) {
    this.eventBus = eventBus;
    this.timeoutMs = timeoutMs;
  }

  public Future<IngestOutcome> submit(IngestCommand command, String correlationId, String principal) {
    DeliveryOptions options = new DeliveryOptions()
      .setLocalOnly(true)
      .setSendTimeout(timeoutMs)
      .addHeader(IngestVerticle.CORRELATION_HEADER, correlationId)
      .addHeader(IngestVerticle.PRINCIPAL_HEADER, principal == null ? "" : principal);
    return eventBus.<IngestOutcome>request(IngestVerticle.ADDRESS, command, options)
      .map(Message::body)
      .recover(failure -> Future.failedFuture(toApiError(failure)));
  }

  static ApiError toApiError(Throwable failure) {
    if (failure instanceof ReplyException reply) {
      switch (reply.failureType()) {
        case TIMEOUT:
          return ApiError.unavailable(ErrorCode.PROCESSING_TIMEOUT, RETRY_AFTER_SECONDS);
        case NO_HANDLERS:
          return ApiError.unavailable(ErrorCode.SHUTTING_DOWN, 1);
        case RECIPIENT_FAILURE:
          if (reply.failureCode() == 503) {
            return ApiError.unavailable(ErrorCode.DATABASE_UNAVAILABLE, RETRY_AFTER_SECONDS);
          }
          break;
        default:
          break;
      }
    }
    return ApiError.of(ErrorCode.INTERNAL_ERROR);
  }
}
