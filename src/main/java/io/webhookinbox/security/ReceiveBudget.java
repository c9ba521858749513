package io.webhookinbox.security;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.webhookinbox.api.ApiError;
import io.webhookinbox.api.ErrorCode;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the bytes of request bodies being received, per replica and per caller, before a byte of a body is read:
 * a request reserves its declared length (its {@code Content-Length}, or the body limit when it is chunked) and
 * returns it when it ends. A flood of large, slowly sent bodies then costs at most this budget of heap, where a count
 * of requests would let 600 bodies of 1 MB each in. Bodies not yet authenticated (a delivery whose signature is its
 * only authentication, before that is checked) may hold at most half of the replica's budget, so authenticated
 * senders always keep the other half. A caller who holds nothing yet is always let in (a body larger than the
 * per-caller budget is refused by the body limit, not forever).
 */
public final class ReceiveBudget {
  private final long replicaBytes;
  private final long perCallerBytes;
  private final long bodyLimitBytes;
  private final String clientIpHeader;
  private final AtomicLong receiving = new AtomicLong();
  private final AtomicLong receivingUnverified = new AtomicLong();
  private final ConcurrentHashMap<String, Long> byCaller = new ConcurrentHashMap<>();

  public ReceiveBudget(long replicaBytes, long perCallerBytes, long bodyLimitBytes, String clientIpHeader) {
    this.replicaBytes = replicaBytes;
    this.perCallerBytes = perCallerBytes;
    this.bodyLimitBytes = bodyLimitBytes;
    this.clientIpHeader = clientIpHeader;
  }

  /**
   * Placed right before the body handler. 413 for a declared length over the body limit, 429 (5114) when the caller
   * holds its budget, 503 (5121) when the replica's is used up; each closes the connection, the body unread.
   *
   * @param unverified the caller is not authenticated yet: its bodies share half the replica's budget
   */
  public Handler<RoutingContext> reserve(boolean unverified) {
    return ctx -> {
      long declared = declaredLength(ctx);
      String caller = Callers.of(ctx, clientIpHeader);
      if (!reserveFor(caller, declared)) {
        throw ApiError.unavailable(ErrorCode.RATE_LIMIT_EXCEEDED, 1);
      }
      long total = receiving.addAndGet(declared);
      long unverifiedTotal = unverified ? receivingUnverified.addAndGet(declared) : 0;
      if (total > declared && (total > replicaBytes || unverifiedTotal > replicaBytes / 2)) {
        release(caller, declared, unverified);
        throw ApiError.unavailable(ErrorCode.SERVER_BUSY, 1);
      }
      ctx.addEndHandler(ended -> release(caller, declared, unverified));
      ctx.next();
    };
  }

  /** Bytes reserved by bodies being received now. */
  public long receiving() {
    return receiving.get();
  }

  private boolean reserveFor(String caller, long declared) {
    boolean[] granted = {true};
    byCaller.compute(caller, (key, held) -> {
      long now = held == null ? 0 : held;
      if (now > 0 && now + declared > perCallerBytes) {
        granted[0] = false;
        return held;
      }
      return now + declared;
    });
    return granted[0];
  }

  private void release(String caller, long declared, boolean unverified) {
    receiving.addAndGet(-declared);
    if (unverified) {
      receivingUnverified.addAndGet(-declared);
    }
    byCaller.computeIfPresent(caller, (key, held) -> held - declared <= 0 ? null : held - declared);
  }

  private long declaredLength(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
    if (header == null) {
      return bodyLimitBytes;
    }
    long declared;
    try {
      declared = Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      throw ApiError.field(ErrorCode.BAD_REQUEST, "Content-Length", "must be a whole number");
    }
    if (declared > bodyLimitBytes) {
      throw ApiError.of(ErrorCode.PAYLOAD_TOO_LARGE);
    }
    return Math.max(0, declared);
  }
}
