package io.webhookinbox.security;

import io.vertx.core.Handler;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;

/**
 * The protection every operator route gets, in this order: the token and its scope, the caller's rate limit, then a
 * unit of the replica's working capacity (taken last, so callers still being authenticated hold none).
 */
public final class Guard {
  private final BearerAuth auth;
  private final RateLimiter rateLimiter;
  private final Handler<RoutingContext> capacity;

  public Guard(BearerAuth auth, RateLimiter rateLimiter, Handler<RoutingContext> capacity) {
    this.auth = auth;
    this.rateLimiter = rateLimiter;
    this.capacity = capacity;
  }

  /** A route without a body: the whole chain; add the handler after it. */
  public Route protect(Route route, Scope... anyOf) {
    return beforeBody(route, anyOf).handler(capacity);
  }

  /**
   * A route with a body, first part: the token and the rate limit, checked before the body is read. Read the body
   * in a second route, then {@link #capacity()}.
   */
  public Route beforeBody(Route route, Scope... anyOf) {
    return route.handler(auth.require(anyOf)).handler(rateLimiter.handler());
  }

  /**
   * The same chain for callers authenticated another way (the console's session): {@code authenticate} puts their
   * {@link Principal} under {@link BearerAuth#PRINCIPAL_KEY} or fails the request; then their scopes, rate limit and
   * a unit of capacity exactly as for a token.
   */
  public Route protect(Route route, Handler<RoutingContext> authenticate, Scope... anyOf) {
    return route.handler(authenticate).handler(BearerAuth.requireScopes(anyOf)).handler(rateLimiter.handler())
      .handler(capacity);
  }

  public Handler<RoutingContext> capacity() {
    return capacity;
  }
}
