package io.webhookinbox.source;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.webhookinbox.config.RuntimeSettings;
import io.webhookinbox.security.BearerAuth;
import io.webhookinbox.security.RateLimiter;
import io.webhookinbox.security.ReceiveBudget;

/**
 * What an endpoint is given by the HTTP verticle that mounts it.
 *
 * @param intake           where accepted deliveries go to be stored
 * @param failedSignatures the per-client-IP limit of failed signature checks, shared by every endpoint that
 *                         authenticates by signature alone
 * @param receiving        the replica's budget of bodies being received
 * @param capacity         takes a unit of working capacity; mount it after the body is read
 */
public record Mount(Intake intake, BearerAuth auth, RateLimiter failedSignatures, ReceiveBudget receiving,
                    long bodyLimitBytes, Handler<RoutingContext> capacity, RuntimeSettings settings) {
}
