package io.webhookinbox.api;

/**
 * Error codes carried in the error envelope's {@code code}. 5109–5114 are the payment endpoint's codes from the
 * specification; the rest follow the same numbering. The senders' guide lists
 * them with what a sender should do (src/site/markdown/senders/errors.md; DocumentationTest keeps the two equal).
 */
public enum ErrorCode {
  MALFORMED_JSON(5100, 400, "Request body is not valid JSON"),
  VALIDATION_FAILED(5101, 400, "Request failed validation"),
  UNAUTHORIZED(5102, 401, "Authentication failed"),
  FORBIDDEN(5103, 403, "Token lacks the required scope"),
  CONFLICT(5104, 409, "Event id already received with a different payload"),
  PAYLOAD_TOO_LARGE(5105, 413, "Request body is too large"),
  UNSUPPORTED_MEDIA_TYPE(5106, 415, "Content-Type must be application/json"),
  DATABASE_UNAVAILABLE(5107, 503, "Storage is unavailable; nothing was accepted, retry later"),
  INTERNAL_ERROR(5108, 500, "Unexpected error; nothing was accepted"),
  SECRET_NOT_CONFIGURED(5109, 500, "Webhook secret not configured"),
  INVALID_SIGNATURE(5110, 401, "Invalid webhook signature"),
  PROCESSING_TIMEOUT(5111, 503, "Webhook processing timeout; retry later"),
  UNSUPPORTED_EVENT_TYPE(5112, 400, "Unsupported event type"),
  PAYMENT_NOT_FOUND(5113, 404, "Payment not found"),
  RATE_LIMIT_EXCEEDED(5114, 429, "Webhook rate limit exceeded"),
  NOT_FOUND(5115, 404, "Not found"),
  METHOD_NOT_ALLOWED(5116, 405, "Method not allowed"),
  INVALID_STATE(5117, 409, "The resource is not in a state that allows this"),
  BAD_REQUEST(5118, 400, "Bad request"),
  SHUTTING_DOWN(5119, 503, "Service is shutting down; retry on another instance"),
  ENDPOINT_DISABLED(5120, 503, "Webhook endpoints are disabled by an operator; retry later"),
  SERVER_BUSY(5121, 503, "This replica is at capacity; retry shortly"),
  REQUEST_TIMEOUT(5122, 408, "Request body not received in time; nothing was accepted"),
  SIGNING_KEYS_UNAVAILABLE(5123, 503, "The identity provider's signing keys cannot be fetched; retry later");

  private final int code;
  private final int httpStatus;
  private final String defaultMessage;

  ErrorCode(int code, int httpStatus, String defaultMessage) {
    this.code = code;
    this.httpStatus = httpStatus;
    this.defaultMessage = defaultMessage;
  }

  public int code() {
    return code;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public String defaultMessage() {
    return defaultMessage;
  }

  /** The code with this number; {@link #INTERNAL_ERROR} for a number that is not one. */
  public static ErrorCode byCode(int code) {
    for (ErrorCode candidate : values()) {
      if (candidate.code == code) {
        return candidate;
      }
    }
    return INTERNAL_ERROR;
  }

  /** The code for a failure that only carries an HTTP status (router 404/405, body handler 413, ...). */
  public static ErrorCode forStatus(int status) {
    return switch (status) {
      case 400 -> BAD_REQUEST;
      case 401 -> UNAUTHORIZED;
      case 403 -> FORBIDDEN;
      case 404 -> NOT_FOUND;
      case 405 -> METHOD_NOT_ALLOWED;
      case 409 -> CONFLICT;
      case 413 -> PAYLOAD_TOO_LARGE;
      case 415 -> UNSUPPORTED_MEDIA_TYPE;
      case 429 -> RATE_LIMIT_EXCEEDED;
      case 503 -> DATABASE_UNAVAILABLE;
      default -> INTERNAL_ERROR;
    };
  }
}
