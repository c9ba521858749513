package io.webhookinbox.config;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * Per-caller rate limits (token buckets, per replica) for the operator endpoints and for failed signature checks,
 * what a replica takes on at once, and how long a shutdown waits for requests in flight. A caller is the token
 * subject, or the client IP where there is no token. Each source declares the rate limit of its own endpoint
 * ({@link RateLimit#declare}).
 *
 * @param maxTrackedCallers bound on remembered callers per replica; past it the callers whose buckets hold the
 *                          most tokens (who lose least) are forgotten
 * @param clientIpHeader    where the client IP comes from for limits without a token: empty for the peer address, or
 *                          a header the ingress sets (e.g. X-Forwarded-For; its last entry is used, the one the
 *                          nearest proxy appended)
 * @param maxInFlight       API requests a replica works on at once; more are refused at once with 503 (5121)
 *                          rather than queued until they time out, which keeps an overloaded replica at full speed
 * @param maxInFlightBurst  the same while the replica answers quickly (at least maxInFlight): a short stall of the
 *                          database is waited out instead of refused, a standing queue is not (see
 *                          {@code ops.InFlightLimit})
 * @param quickAnswerMs     the replica answers quickly while at least half its successful answers of the last
 *                          second took at most this long
 * @param maxInFlightMemoryMiB heap the requests worked on may take together (estimated from their bodies); 0:
 *                          two fifths of the maximum heap
 * @param drainTimeoutMs    on SIGTERM, the longest wait for in-flight requests before the service stops anyway
 * @param failedSignatures  per client IP: requests whose signature check failed; once it is used up, that client's
 *                          unsigned requests are refused (429) before their bodies are read
 * @param receivingMemoryMiB bodies being received at once, by their declared length; 0: one fifth of the heap
 * @param receivingPerClientMiB the same for one client (token subject, or client IP where there is no token)
 */
public record LimitsConfig(RateLimit admin, RateLimit failedSignatures, int maxTrackedCallers, int maxInFlight,
                           int maxInFlightBurst, int quickAnswerMs, int maxInFlightMemoryMiB,
                           int receivingMemoryMiB, int receivingPerClientMiB,
                           long drainTimeoutMs, String clientIpHeader) {
  static final RateLimit.Declared ADMIN = RateLimit.declare("limits.rate.admin", 50, 100, "operator endpoints");
  static final RateLimit.Declared FAILED_SIGNATURES = RateLimit.declare("limits.rate.failedSignatures", 2, 20,
    "failed signature checks and console sign-ins per client IP; then its unsigned requests and sign-ins get 429");
  static final Setting<Integer> MAX_TRACKED_CALLERS = Setting.integer("limits.maxTrackedCallers", 100_000, 100,
    10_000_000).doc("Callers remembered per replica for rate limits");
  static final Setting<String> CLIENT_IP_HEADER = Setting.text("limits.clientIpHeader", "")
    .env("LIMITS_CLIENT_IP_HEADER")
    .doc("The trusted proxy's client IP header (its last entry), e.g. X-Forwarded-For; empty = the peer address");
  static final Setting<Integer> MAX_IN_FLIGHT = Setting.integer("limits.maxInFlight", 128, 1, 100_000)
    .doc("API requests a replica works on at once (maxInFlightBurst while it answers quickly); more get 503 with"
      + " Retry-After (5121) at once");
  static final Setting<Integer> MAX_IN_FLIGHT_BURST = Setting.integer("limits.maxInFlightBurst", 512, 1, 100_000)
    .doc("The same while the replica answers quickly, so a short database stall is waited out (at least maxInFlight)");
  static final Setting<Integer> QUICK_ANSWER = Setting.integer("limits.quickAnswerMs", 5, 1, 60_000).unit("ms")
    .doc("The replica answers quickly while at least half its successful answers of the last second took at most"
      + " this long");
  static final Setting<Integer> MAX_IN_FLIGHT_MEMORY = Setting.integer("limits.maxInFlightMemoryMiB", 0, 0,
    1024 * 1024).unit("MiB").doc("Heap the requests worked on may take together; 0 = two fifths of the heap");
  static final Setting<Integer> RECEIVING_MEMORY = Setting.integer("limits.receivingMemoryMiB", 0, 0, 1024 * 1024)
    .unit("MiB").doc("Bodies being received at once, by declared length; 0 = a fifth of the heap");
  static final Setting<Integer> RECEIVING_PER_CLIENT = Setting.integer("limits.receivingPerClientMiB", 8, 1,
    1024 * 1024).unit("MiB").doc("The same per caller (token subject, else client IP); more get 429 unread");
  static final Setting<Integer> DRAIN_TIMEOUT = Setting.integer("shutdown.drainTimeoutMs", 20_000, 0, 600_000)
    .unit("ms").doc("SIGTERM: longest wait for in-flight requests (keep below terminationGracePeriodSeconds)");
  static final List<Setting<?>> SETTINGS = settings();

  private static List<Setting<?>> settings() {
    List<Setting<?>> all = new ArrayList<>(ADMIN.settings());
    all.addAll(FAILED_SIGNATURES.settings());
    all.addAll(List.of(MAX_TRACKED_CALLERS, CLIENT_IP_HEADER, MAX_IN_FLIGHT, MAX_IN_FLIGHT_BURST, QUICK_ANSWER,
      MAX_IN_FLIGHT_MEMORY, RECEIVING_MEMORY, RECEIVING_PER_CLIENT, DRAIN_TIMEOUT));
    return List.copyOf(all);
  }

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

    /**
     * The two settings of a rate limit group ({@code <key>.perSecond}, {@code <key>.burst}).
     *
     * @param what the requests it limits, for the documentation
     */
    public static Declared declare(String key, int perSecond, int burst, String what) {
      return new Declared(
        Setting.integer(key + ".perSecond", perSecond, 0, 1_000_000).unit("per second")
          .doc("Rate limit: " + what + "; 0 = off"),
        Setting.integer(key + ".burst", burst, 1, 10_000_000)
          .doc("Burst of that limit (at least its perSecond when that is set higher)"));
    }

    /** A declared rate limit group. */
    public record Declared(Setting<Integer> perSecond, Setting<Integer> burst) {
      public List<Setting<?>> settings() {
        return List.of(perSecond, burst);
      }

      /** The burst is at least the rate when only the rate was raised. */
      public RateLimit read(JsonObject root) {
        long rate = perSecond.read(root);
        long burstValue = burst.read(root);
        return new RateLimit(rate, given(root, burst.key()) ? burstValue : Math.max(burstValue, rate));
      }

      private static boolean given(JsonObject root, String key) {
        String[] parts = key.split("\\.");
        JsonObject node = root;
        for (int i = 0; i < parts.length - 1 && node != null; i++) {
          node = node.getValue(parts[i]) instanceof JsonObject child ? child : null;
        }
        return node != null && node.containsKey(parts[parts.length - 1]);
      }
    }
  }

  static LimitsConfig from(JsonObject root) {
    return new LimitsConfig(ADMIN.read(root), FAILED_SIGNATURES.read(root), MAX_TRACKED_CALLERS.read(root),
      MAX_IN_FLIGHT.read(root), MAX_IN_FLIGHT_BURST.read(root), QUICK_ANSWER.read(root),
      MAX_IN_FLIGHT_MEMORY.read(root), RECEIVING_MEMORY.read(root),
      RECEIVING_PER_CLIENT.read(root), DRAIN_TIMEOUT.read(root), CLIENT_IP_HEADER.read(root).trim());
  }
}
