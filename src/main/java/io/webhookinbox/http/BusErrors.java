package io.webhookinbox.http;

import io.vertx.core.eventbus.ReplyException;

/**
 * Maps a failed event-bus request to the error envelope. Consumers fail messages with an HTTP status as the
 * failure code and a safe, sender-facing message.
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
          return switch (reply.failureCode()) {
            case 400 -> new ApiError(ErrorCode.BAD_REQUEST, reply.getMessage());
            case 404 -> new ApiError(ErrorCode.NOT_FOUND, reply.getMessage());
            case 409 -> new ApiError(ErrorCode.INVALID_STATE, reply.getMessage());
            case 503 -> ApiError.unavailable(ErrorCode.DATABASE_UNAVAILABLE, RETRY_AFTER_SECONDS);
            default -> ApiError.of(ErrorCode.INTERNAL_ERROR);
          };
        default:
          break;
      }
    }
    return ApiError.of(ErrorCode.INTERNAL_ERROR);
  }
}
