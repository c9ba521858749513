package io.webhookinbox.config;

import io.vertx.core.json.JsonObject;

/**
 * Per-caller rate limits (token buckets, per replica) for each endpoint group, and how long a shutdown waits for
 * requests in flight. A caller is the token subject, or the client IP where there is no token (Stripe).
 *
 * @param maxTrackedCallers bound on remembered callers per replica; past it the callers whose buckets hold the
 *                          most tokens (who lose least) are forgotten
 * @param clientIpHeader    where the client IP comes from for limits without a token (Stripe): empty for the
 *                          peer address, or a header the ingress sets (e.g. X-Forwarded-For; its last entry is used,
 *                          the one the nearest proxy appended)
 * @param maxInFlight       API requests a replica works on at once; more are refused at once with 503 (5121)
 *                          rather than queued until they time out, which keeps an overloaded replica at full speed
 * @param maxInFlightMemoryMiB heap the requests worked on may take together (estimated from their bodies); 0:
 *                          two fifths of the maximum heap
 * @param drainTimeoutMs    on SIGTERM, the longest wait for in-flight requests before the service stops anyway
 * @param failedSignatures  per client IP: requests whose signature check failed; once it is used up, that client's
 *                          unsigned requests are refused (429) before their bodies are read
 * @param receivingMemoryMiB bodies being received at once, by their declared length; 0: one fifth of the heap
 * @param receivingPerClientMiB the same for one client (token subject, or client IP where there is no token)
 */
public record LimitsConfig(RateLimit ingest, RateLimit stripe, RateLimit admin, RateLimit failedSignatures,
                           int maxTrackedCallers, int maxInFlight, int maxInFlightMemoryMiB, int receivingMemoryMiB,
                           int receivingPerClientMiB, long drainTimeoutMs, String clientIpHeader) {

  /** {@code maxInFlightMemoryMiB} in bytes, or two fifths of this JVM's maximum heap when it is 0. */
  public long maxInFlightBytes() {
    return maxInFlightMemoryMiB > 0 ? maxInFlightMemoryMiB * 1024L * 1024L : Runtime.getRuntime().maxMemory() / 5 * 2;
  }

  /** {@code receivingMemoryMiB} in bytes, or one fifth of this JVM's maximum heap when it is 0. */
  public long receivingBytes() {
    return receivingMemoryMiB > 0 ? receivingMemoryMiB * 1024L * 1024L : Runtime.getRuntime().maxMemory() / 5;
  }

  public long receivingPerClientBytes() {
    return receivingPerClientMiB * 1024L * 1024L;
  }

  /** {@code perSecond} tokens refill each second up to {@code burst}; perSecond 0 switches the limit off. */
  public record RateLimit(long perSecond, long burst) {
    public boolean enabled() {
      return perSecond > 0;
    }

    static RateLimit from(JsonObject json, String prefix, long perSecond, long burst) {
      long rate = Json.integer(json, prefix, "perSecond", (int) perSecond, 0, 1_000_000);
      return new RateLimit(rate, Json.integer(json, prefix, "burst", (int) Math.max(burst, rate), 1, 10_000_000));
    }
  }

  static LimitsConfig from(JsonObject root) {
    JsonObject limits = Json.section(root, "limits");
    JsonObject rate = Json.section(limits, "rate");
    return new LimitsConfig(
      RateLimit.from(Json.section(rate, "ingest"), "limits.rate.ingest.", 1000, 2000),
      RateLimit.from(Json.section(rate, "stripe"), "limits.rate.stripe.", 1000, 2000),
      RateLimit.from(Json.section(rate, "admin"), "limits.rate.admin.", 50, 100),
      RateLimit.from(Json.section(rate, "failedSignatures"), "limits.rate.failedSignatures.", 2, 20),
      Json.integer(limits, "limits.", "maxTrackedCallers", 100_000, 100, 10_000_000),
      Json.integer(limits, "limits.", "maxInFlight", 128, 1, 100_000),
      Json.integer(limits, "limits.", "maxInFlightMemoryMiB", 0, 0, 1024 * 1024),
      Json.integer(limits, "limits.", "receivingMemoryMiB", 0, 0, 1024 * 1024),
      Json.integer(limits, "limits.", "receivingPerClientMiB", 8, 1, 1024 * 1024),
      Json.integer(Json.section(root, "shutdown"), "shutdown.", "drainTimeoutMs", 20_000, 0, 600_000),
      Json.string(limits, "limits.", "clientIpHeader", "").trim());
  }
}
