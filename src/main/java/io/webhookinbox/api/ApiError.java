package io.webhookinbox.api;

import java.util.List;

/** A failure that maps one-to-one to an error envelope; thrown or failed anywhere in a request's chain. */
public final class ApiError extends RuntimeException {
  private final ErrorCode code;
  private final int status;
  private final List<FieldError> details;
  private final Integer retryAfterSeconds;

  public ApiError(ErrorCode code, int status, String message, List<FieldError> details, Integer retryAfterSeconds) {
    super(message, null, false, false);
    this.code = code;
    this.status = status;
    this.details = List.copyOf(details);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public ApiError(ErrorCode code, String message, List<FieldError> details) {
    this(code, code.httpStatus(), message, details, null);
  }

  public ApiError(ErrorCode code, String message) {
    this(code, message, List.of());
  }

  public static ApiError of(ErrorCode code) {
    return new ApiError(code, code.defaultMessage());
  }

  public static ApiError field(ErrorCode code, String field, String reason) {
    return new ApiError(code, code.defaultMessage(), List.of(new FieldError(field, reason)));
  }

  public static ApiError unavailable(ErrorCode code, int retryAfterSeconds) {
    return new ApiError(code, code.httpStatus(), code.defaultMessage(), List.of(), retryAfterSeconds);
  }

  public ErrorCode code() {
    return code;
  }

  public int status() {
    return status;
  }

  public List<FieldError> details() {
    return details;
  }

  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
