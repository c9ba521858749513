package io.webhookinbox.api;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import java.util.function.IntSupplier;

/** JSON requests from the HTTP verticle to the verticles that own the database, bounded by the processing timeout. */
public final class BusRequests {
  private final EventBus eventBus;
  private final IntSupplier timeoutSeconds;

  /** {@code timeoutSeconds} is read per request, so a changed processing timeout applies at once. */
  public BusRequests(EventBus eventBus, IntSupplier timeoutSeconds) {
    this.eventBus = eventBus;
    this.timeoutSeconds = timeoutSeconds;
  }

  /** The reply body, or a failed future holding the {@link ApiError} that the failure maps to. */
  public Future<JsonObject> call(String address, JsonObject request) {
    DeliveryOptions options = new DeliveryOptions().setLocalOnly(true)
      .setSendTimeout(timeoutSeconds.getAsInt() * 1000L);
    return eventBus.<JsonObject>request(address, request, options)
      .map(Message::body)
      .recover(failure -> Future.failedFuture(BusErrors.toApiError(failure)));
  }
}
