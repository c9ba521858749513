package io.webhookinbox.ops;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.webhookinbox.http.ApiError;
import io.webhookinbox.http.ErrorCode;

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

  /** Counts API requests, and refuses new ones (503, code 5119, Connection: close) once draining. */
  public Handler<RoutingContext> gate() {
    return ctx -> {
      if (draining.get()) {
        ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
        throw ApiError.unavailable(ErrorCode.SHUTTING_DOWN, 1);
      }
      inFlight.incrementAndGet();
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
