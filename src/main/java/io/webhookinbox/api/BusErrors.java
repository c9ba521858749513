package io.webhookinbox.api;

import io.vertx.core.eventbus.ReplyException;

/**
 * Maps a failed event-bus request to the error envelope. Consumers fail messages with an {@link ErrorCode} number
 * as the failure code and a safe, caller-facing message ({@link BusReplies}).
 */
public final class BusErrors {
  public static final int RETRY_AFTER_SECONDS = 5;

  private BusErrors() {
  }

  public static ApiError toApiError(Throwable failure) {
    if (failure instanceof ApiError apiError) {
      return apiError;
    }
    if (failure instanceof ReplyException reply) {
      switch (reply.failureType()) {
        case TIMEOUT:
          return ApiError.unavailable(ErrorCode.PROCESSING_TIMEOUT, RETRY_AFTER_SECONDS);
        case NO_HANDLERS:
          return ApiError.unavailable(ErrorCode.SHUTTING_DOWN, 1);
        case RECIPIENT_FAILURE:
          ErrorCode code = ErrorCode.byCode(reply.failureCode());
          if (code == ErrorCode.DATABASE_UNAVAILABLE || code == ErrorCode.PROCESSING_TIMEOUT
            || code == ErrorCode.SERVER_BUSY) {
            return ApiError.unavailable(code, RETRY_AFTER_SECONDS);
          }
          return code == ErrorCode.INTERNAL_ERROR ? ApiError.of(code) : new ApiError(code, reply.getMessage());
        default:
          break;
      }
    }
    return ApiError.of(ErrorCode.INTERNAL_ERROR);
  }
}
