package io.webhookinbox.security;

import io.vertx.ext.web.RoutingContext;

/**
 * Who a request comes from, for per-caller limits: the token subject once authenticated, else the client IP. Behind
 * an ingress every peer address is the ingress's own, so the client IP is then read from the header the ingress
 * sets (its last entry: the one the nearest, trusted proxy appended).
 */
public final class Callers {
  private Callers() {
  }

  /** @param clientIpHeader the trusted proxy's header; empty for the peer address */
  public static String of(RoutingContext ctx, String clientIpHeader) {
    Principal principal = BearerAuth.principal(ctx);
    return principal != null ? "sub:" + principal.subject() : "ip:" + clientIp(ctx, clientIpHeader);
  }

  public static String clientIp(RoutingContext ctx, String clientIpHeader) {
    String forwarded = clientIpHeader.isEmpty() ? null : ctx.request().getHeader(clientIpHeader);
    if (forwarded != null && !forwarded.isBlank()) {
      return forwarded.substring(forwarded.lastIndexOf(',') + 1).trim();
    }
    return ctx.request().remoteAddress().host();
  }
}
