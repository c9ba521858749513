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
 * requests refused), and how many API requests are in flight, which the drain waits for.
 */
public final class Lifecycle {
  private final AtomicBoolean deployed = new AtomicBoolean();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final int maxInFlight;

  /** @param maxInFlight API requests worked on at once; past it requests are refused at once (503, 5121) */
  public Lifecycle(int maxInFlight) {
    this.maxInFlight = maxInFlight;
  }

  /**
   * Counts API requests; refuses new ones once draining (503, 5119, Connection: close) or when the replica is
   * already working on {@code maxInFlight} (503, 5121): a fast refusal costs nothing, while a queued request that
   * times out costs the work done for it.
   */
  public Handler<RoutingContext> gate() {
    return ctx -> {
      if (draining.get()) {
        ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
        throw ApiError.unavailable(ErrorCode.SHUTTING_DOWN, 1);
      }
      if (inFlight.incrementAndGet() > maxInFlight) {
        inFlight.decrementAndGet();
        throw ApiError.unavailable(ErrorCode.SERVER_BUSY, 1);
      }
      ctx.addEndHandler(ended -> inFlight.decrementAndGet());
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

  public int inFlight() {
    return inFlight.get();
  }
}
