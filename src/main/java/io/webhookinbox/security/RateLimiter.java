package io.webhookinbox.security;

import io.webhookinbox.api.ApiError;
import io.webhookinbox.api.ErrorCode;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.webhookinbox.config.LimitsConfig.RateLimit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per caller for one endpoint group, shared by the HTTP verticles of a replica. Over the limit a
 * caller gets 429 with {@code Retry-After} (code 5114). Limits are per replica: N replicas admit up to N times the
 * rate in total.
 */
public final class RateLimiter {
  private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);

  private final String group;
  private final RateLimit limit;
  private final int maxCallers;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  public RateLimiter(String group, RateLimit limit, int maxCallers) {
    this.group = group;
    this.limit = limit;
    this.maxCallers = maxCallers;
  }

  /** Placed after authentication, so the caller is the token subject when there is one. */
  public Handler<RoutingContext> handler() {
    return ctx -> {
      if (limit.enabled()) {
        ConsumptionProbe probe = bucket(callerOf(ctx)).tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
          long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999) / 1_000_000_000);
          throw new ApiError(ErrorCode.RATE_LIMIT_EXCEEDED, ErrorCode.RATE_LIMIT_EXCEEDED.httpStatus(),
            "Rate limit of " + limit.perSecond() + " requests per second (burst " + limit.burst() + ") exceeded",
            java.util.List.of(), (int) seconds);
        }
      }
      ctx.next();
    };
  }

  private Bucket bucket(String caller) {
    if (buckets.size() >= maxCallers && !buckets.containsKey(caller)) {
      // Bounded memory under a flood of distinct callers: start afresh rather than grow without limit.
      LOG.warn("Rate limiter {} tracks {} callers; resetting", group, buckets.size());
      buckets.clear();
    }
    return buckets.computeIfAbsent(caller, key -> Bucket.builder()
      .addLimit(bandwidth -> bandwidth.capacity(limit.burst()).refillGreedy(limit.perSecond(), Duration.ofSeconds(1)))
      .build());
  }

  private static String callerOf(RoutingContext ctx) {
    Principal principal = BearerAuth.principal(ctx);
    return principal != null ? "sub:" + principal.subject() : "ip:" + ctx.request().remoteAddress().host();
  }
}
