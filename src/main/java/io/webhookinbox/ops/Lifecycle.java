package io.webhookinbox.ops;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.webhookinbox.api.ApiError;
import io.webhookinbox.api.ErrorCode;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where a replica is in its life: deployed (ready to serve), draining (SIGTERM received: readiness down, new API
 * requests refused), how many API requests are open (the drain waits for them), and how many it works on.
 */
public final class Lifecycle {
  private final AtomicBoolean deployed = new AtomicBoolean();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger working = new AtomicInteger();
  private final int maxInFlight;
  private final long bodyTimeoutMs;

  /**
   * @param maxInFlight   API requests worked on at once; past it requests are refused at once (503, 5121)
   * @param bodyTimeoutMs longest time from the request's headers to the end of its body (then 408, connection closed)
   */
  public Lifecycle(int maxInFlight, long bodyTimeoutMs) {
    this.maxInFlight = maxInFlight;
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
   * Taken once a request is authenticated and its body is in: the replica works on at most {@code maxInFlight}
   * requests and refuses the next at once (503, 5121). A fast refusal costs nothing, while a queued request that
   * times out costs the work done for it. Senders still sending, or not yet authenticated, hold no capacity, so
   * slow or hostile senders cannot starve the authenticated ones.
   */
  public Handler<RoutingContext> capacity() {
    return ctx -> {
      if (working.incrementAndGet() > maxInFlight) {
        working.decrementAndGet();
        throw ApiError.unavailable(ErrorCode.SERVER_BUSY, 1);
      }
      ctx.addEndHandler(ended -> working.decrementAndGet());
      ctx.next();
    };
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
