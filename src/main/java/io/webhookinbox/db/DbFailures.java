package io.webhookinbox.db;

import io.webhookinbox.api.ApiError;
import io.webhookinbox.api.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one mapping of a failed database use to the error envelope, logged where it happened: a refusal
 * ({@link ApiError}) stays as it is, a value PostgreSQL cannot hold is the caller's to fix (400), a call that
 * outlived the processing timeout is 5111 (503), an unreachable database 5107 (503), the rest 5108 (500).
 */
public final class DbFailures {
  static final int RETRY_AFTER_SECONDS = 5;

  private static final Logger LOG = LoggerFactory.getLogger(DbFailures.class);

  private DbFailures() {
  }

  /** For a request's failure handler: logged under this class. */
  public static ApiError toApiError(Throwable failure, String what) {
    return toApiError(failure, LOG, what);
  }

  /** @param what what was being done, for the log line */
  public static ApiError toApiError(Throwable failure, Logger log, String what) {
    if (failure instanceof ApiError refused) {
      return refused;
    }
    String rejectedValue = DbErrors.rejectedValue(failure);
    if (rejectedValue != null) {
      log.warn("Value rejected by PostgreSQL while {}: {}", what, DbErrors.describe(failure));
      return new ApiError(ErrorCode.VALIDATION_FAILED,
        "A value in the request cannot be stored (SQLSTATE " + rejectedValue + ")");
    }
    if (DbErrors.outlivedDeadline(failure)) {
      // The sender's own wait ends at the same moment (webhooks.timeoutSeconds): whichever timer fires first, the
      // answer is the same, a processing timeout, not an unreachable database.
      log.warn("Database call outlived the processing timeout while {}: {}", what, DbErrors.describe(failure));
      return ApiError.unavailable(ErrorCode.PROCESSING_TIMEOUT, RETRY_AFTER_SECONDS);
    }
    if (DbErrors.unavailable(failure)) {
      log.warn("Database unavailable while {}: {}", what, DbErrors.describe(failure));
      return ApiError.unavailable(ErrorCode.DATABASE_UNAVAILABLE, RETRY_AFTER_SECONDS);
    }
    log.error("Unexpected failure {}", what, failure);
    return ApiError.of(ErrorCode.INTERNAL_ERROR);
  }
}
