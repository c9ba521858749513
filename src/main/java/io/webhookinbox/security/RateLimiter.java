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
 * rate in total. A caller is the token subject, or the client IP where there is none ({@link Callers}).
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
      check(ctx);
      ctx.next();
    };
  }

  /** Takes a token from the caller's bucket; 429 with Retry-After when there is none. */
  public void check(RoutingContext ctx) {
    if (limit.enabled()) {
      ConsumptionProbe probe = tryConsume(Callers.of(ctx, clientIpHeader));
      if (!probe.isConsumed()) {
        throw exceeded(probe.getNanosToWaitForRefill());
      }
    }
  }

  /**
   * For a limit on failures rather than requests: refuses (429) a caller whose bucket is empty, without taking a
   * token; {@link #charge} takes one when the request then fails. Cheap to ask before a body is read.
   */
  public Handler<RoutingContext> refuseWhenExhausted() {
    return ctx -> {
      if (limit.enabled()) {
        Bucket bucket = bucket(Callers.of(ctx, clientIpHeader));
        if (bucket.getAvailableTokens() <= 0) {
          throw exceeded(bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill());
        }
      }
      ctx.next();
    };
  }

  /** Counts one failure of the caller (see {@link #refuseWhenExhausted}). */
  public void charge(RoutingContext ctx) {
    if (limit.enabled()) {
      bucket(Callers.of(ctx, clientIpHeader)).tryConsume(1);
    }
  }

  private ApiError exceeded(long nanosToWait) {
    long seconds = Math.max(1, (nanosToWait + 999_999_999) / 1_000_000_000);
    return new ApiError(ErrorCode.RATE_LIMIT_EXCEEDED, ErrorCode.RATE_LIMIT_EXCEEDED.httpStatus(),
      "Rate limit of " + limit.perSecond() + " requests per second (burst " + limit.burst() + ") exceeded",
      List.of(), (int) seconds);
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

}
