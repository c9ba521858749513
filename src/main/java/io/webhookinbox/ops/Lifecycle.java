package io.webhookinbox.ops;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.webhookinbox.api.ApiError;
import io.webhookinbox.api.ErrorCode;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where a replica is in its life: deployed (ready to serve), draining (SIGTERM received: readiness down, new API
 * requests refused), how many API requests are open (the drain waits for them), and how many it works on.
 */
public final class Lifecycle {
  private final AtomicBoolean deployed = new AtomicBoolean();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger working = new AtomicInteger();
  private final AtomicLong workingBytes = new AtomicLong();
  private final LongAdder takenPastSteady = new LongAdder();
  private final InFlightLimit inFlightLimit;
  private final long maxInFlightBytes;
  private final long bodyTimeoutMs;

  /**
   * @param inFlightLimit    API requests worked on at once; past it requests are refused at once (503, 5121)
   * @param maxInFlightBytes heap the requests worked on may take together, estimated from their bodies
   * @param bodyTimeoutMs    longest time from the request's headers to the end of its body (then 408, closed)
   */
  public Lifecycle(InFlightLimit inFlightLimit, long maxInFlightBytes, long bodyTimeoutMs) {
    this.inFlightLimit = inFlightLimit;
    this.maxInFlightBytes = maxInFlightBytes;
    this.bodyTimeoutMs = bodyTimeoutMs;
  }

  /**
   * First handler of every API request: refuses new ones once draining (503, 5119, Connection: close), counts the
   * open ones, and bounds the time a sender may take to send its body: a sender that stalls mid-body gets 408 and
   * its connection is closed, so slow or silent senders cannot hold connections and memory indefinitely.
   */
  public Handler<RoutingContext> gate() {
    return ctx -> {
      if (draining.get()) {
        ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
        throw ApiError.unavailable(ErrorCode.SHUTTING_DOWN, 1);
      }
      inFlight.incrementAndGet();
      ctx.addEndHandler(ended -> inFlight.decrementAndGet());
      if (!ctx.request().isEnded()) {
        long timer = ctx.vertx().setTimer(bodyTimeoutMs, id -> {
          if (!ctx.request().isEnded() && !ctx.response().ended()) {
            ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
            ctx.addEndHandler(ended -> ctx.request().connection().close());
            ctx.fail(ApiError.of(ErrorCode.REQUEST_TIMEOUT));
          }
        });
        ctx.addEndHandler(ended -> ctx.vertx().cancelTimer(timer));
      }
      ctx.next();
    };
  }

  /**
   * Taken once a request is authenticated and its body is in: the replica works on at most as many requests as its
   * {@link InFlightLimit} allows now, and on requests whose estimated heap ({@link #HEAP_PER_BODY_BYTE} per body
   * byte) fits in {@code maxInFlightBytes}, and refuses the next at once (503, 5121); a request alone is always
   * taken, so a large body is never refused forever. A fast refusal costs nothing, while a queued request that times
   * out costs the work done for it. Senders still sending, or not yet authenticated, hold no capacity, so slow or
   * hostile senders cannot starve the authenticated ones. Successful answers tell the limit how quickly the replica
   * answers.
   */
  public Handler<RoutingContext> capacity() {
    return ctx -> {
      long cost = heapCost(ctx);
      int requests = working.incrementAndGet();
      long bytes = workingBytes.addAndGet(cost);
      if (requests > inFlightLimit.now() || bytes > maxInFlightBytes && requests > 1) {
        working.decrementAndGet();
        workingBytes.addAndGet(-cost);
        throw ApiError.unavailable(ErrorCode.SERVER_BUSY, 1);
      }
      if (requests > inFlightLimit.steady()) {
        takenPastSteady.increment();
      }
      long taken = System.nanoTime();
      ctx.addEndHandler(ended -> {
        working.decrementAndGet();
        workingBytes.addAndGet(-cost);
        if (ctx.response().getStatusCode() < 300) {
          inFlightLimit.answered(taken, System.nanoTime());
        }
      });
      ctx.next();
    };
  }

  /**
   * A 1 MiB delivery takes 10-20 MiB of heap while worked on, as measured (the raw bytes and their
   * copies, a UTF-16 string, the JSON tree, the statement's parameters); small requests cost at least
   * {@link #MIN_HEAP_COST}.
   */
  static final int HEAP_PER_BODY_BYTE = 16;
  static final long MIN_HEAP_COST = 16 * 1024;

  private static long heapCost(RoutingContext ctx) {
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    return Math.max(MIN_HEAP_COST, body == null ? 0 : (long) body.length() * HEAP_PER_BODY_BYTE);
  }

  /** API requests taken and being worked on now (not those still sending or not yet authenticated). */
  public int working() {
    return working.get();
  }

  /** The requests this replica may work on at once now (its {@link InFlightLimit}). */
  public int inFlightLimit() {
    return inFlightLimit.now();
  }

  /** Requests taken so far past the steady in-flight limit, while the replica answered quickly. */
  public long takenPastSteadyLimit() {
    return takenPastSteady.sum();
  }

  /** Heap estimated for the requests worked on now. */
  public long workingBytes() {
    return workingBytes.get();
  }

  public void markDeployed() {
    deployed.set(true);
  }

  public boolean deployed() {
    return deployed.get();
  }

  public void beginDrain() {
    draining.set(true);
  }

  public boolean draining() {
    return draining.get();
  }

  /** API requests open now: sending, waiting or being worked on. */
  public int inFlight() {
    return inFlight.get();
  }
}
