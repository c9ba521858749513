package io.webhookinbox.db;

import io.webhookinbox.api.ErrorCode;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;

/**
 * How the verticles that own the database fail an event-bus request, so that {@link BusErrors} can turn it into
 * the right envelope: the failure code is an {@link ErrorCode} number. A refusal keeps its code and message, a
 * database call that outlived the processing timeout is 5111 (503), an unreachable database 5107 (503), the rest
 * 5108 (500).
 */
public final class BusReplies {
  private BusReplies() {
  }

  public static void fail(Message<?> message, Throwable failure, Logger log, String what) {
    String rejectedValue = DbErrors.rejectedValue(failure);
    if (failure instanceof Refused refused) {
      message.fail(refused.code.code(), refused.getMessage());
    } else if (rejectedValue != null) {
      // The caller sent something PostgreSQL cannot hold (a date beyond its range, …): theirs to fix, not ours.
      log.warn("Value rejected by PostgreSQL while {}: {}", what, DbErrors.describe(failure));
      message.fail(ErrorCode.VALIDATION_FAILED.code(),
        "A value in the request cannot be stored (SQLSTATE " + rejectedValue + ")");
    } else if (DbErrors.outlivedDeadline(failure)) {
      // The sender's own wait ends at the same moment (webhooks.timeoutSeconds): whichever timer fires first, the
      // answer is the same, a processing timeout, not an unreachable database.
      log.warn("Database call outlived the processing timeout while {}: {}", what, DbErrors.describe(failure));
      message.fail(ErrorCode.PROCESSING_TIMEOUT.code(), "processing timeout");
    } else if (DbErrors.unavailable(failure)) {
      log.warn("Database unavailable while {}: {}", what, DbErrors.describe(failure));
      message.fail(ErrorCode.DATABASE_UNAVAILABLE.code(), "database unavailable");
    } else {
      log.error("Unexpected failure {}", what, failure);
      message.fail(ErrorCode.INTERNAL_ERROR.code(), "unexpected");
    }
  }

  /** A request that cannot be done as asked; the message is shown to the caller. */
  public static final class Refused extends RuntimeException {
    private final ErrorCode code;

    public Refused(ErrorCode code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }
}
