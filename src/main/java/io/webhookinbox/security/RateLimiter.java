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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per caller for one endpoint group, shared by the HTTP verticles of a replica. Over the limit a
 * caller gets 429 with {@code Retry-After} (code 5114). Limits are per replica: N replicas admit up to N times the
 * rate in total. A caller without a token is its client IP: the peer address, or the last entry of a header the
 * ingress sets ({@code limits.clientIpHeader}), since behind an ingress every peer address is the ingress's.
 */
public final class RateLimiter {
  private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);

  private final String group;
  private final RateLimit limit;
  private final int maxCallers;
  private final String clientIpHeader;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  /** @param clientIpHeader empty for the peer address */
  public RateLimiter(String group, RateLimit limit, int maxCallers, String clientIpHeader) {
    this.group = group;
    this.limit = limit;
    this.maxCallers = maxCallers;
    this.clientIpHeader = clientIpHeader;
  }

  /** Placed after authentication, so the caller is the token subject when there is one. */
  public Handler<RoutingContext> handler() {
    return ctx -> {
      if (limit.enabled()) {
        ConsumptionProbe probe = tryConsume(callerOf(ctx));
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

  /** Takes one token from {@code caller}'s bucket. */
  ConsumptionProbe tryConsume(String caller) {
    return bucket(caller).tryConsumeAndReturnRemaining(1);
  }

  int trackedCallers() {
    return buckets.size();
  }

  private Bucket bucket(String caller) {
    Bucket known = buckets.get(caller);
    if (known != null) {
      return known;
    }
    if (buckets.size() >= maxCallers) {
      evict();
    }
    return buckets.computeIfAbsent(caller, key -> Bucket.builder()
      .addLimit(bandwidth -> bandwidth.capacity(limit.burst()).refillGreedy(limit.perSecond(), Duration.ofSeconds(1)))
      .build());
  }

  /**
   * Bounded memory under a flood of distinct callers: forgets a tenth of the callers, those whose buckets hold the
   * most tokens. A full bucket holds nothing a new one would not, so an idle caller loses nothing; a caller that
   * is over its limit has the fewest tokens and is remembered longest.
   */
  private synchronized void evict() {
    if (buckets.size() < maxCallers) {
      return;
    }
    List<Map.Entry<String, Long>> byTokens = new ArrayList<>(buckets.size());
    buckets.forEach((caller, bucket) -> byTokens.add(Map.entry(caller, bucket.getAvailableTokens())));
    byTokens.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()));
    int forget = Math.max(1, maxCallers / 10);
    for (int i = 0; i < forget && i < byTokens.size(); i++) {
      buckets.remove(byTokens.get(i).getKey());
    }
    LOG.info("Rate limiter {} tracked {} callers; forgot the {} with the fullest buckets", group, byTokens.size(),
      forget);
  }

  private String callerOf(RoutingContext ctx) {
    Principal principal = BearerAuth.principal(ctx);
    if (principal != null) {
      return "sub:" + principal.subject();
    }
    String forwarded = clientIpHeader.isEmpty() ? null : ctx.request().getHeader(clientIpHeader);
    if (forwarded != null && !forwarded.isBlank()) {
      return "ip:" + forwarded.substring(forwarded.lastIndexOf(',') + 1).trim();
    }
    return "ip:" + ctx.request().remoteAddress().host();
  }
}
