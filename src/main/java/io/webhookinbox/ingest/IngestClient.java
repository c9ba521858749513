package io.webhookinbox.ingest;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.webhookinbox.http.BusErrors;

/** The HTTP side of the event bus hop to the worker; every way it can fail becomes an error envelope. */
public final class IngestClient {
  private final EventBus eventBus;
  private final long timeoutMs;

  public IngestClient(EventBus eventBus, long timeoutMs) {
    this.eventBus = eventBus;
    this.timeoutMs = timeoutMs;
  }

  public Future<IngestOutcome> submit(IngestCommand command, String correlationId, String principal) {
    DeliveryOptions options = new DeliveryOptions()
      .setLocalOnly(true)
      .setSendTimeout(timeoutMs)
      .addHeader(IngestVerticle.CORRELATION_HEADER, correlationId)
      .addHeader(IngestVerticle.PRINCIPAL_HEADER, principal == null ? "" : principal);
    return eventBus.<IngestOutcome>request(IngestVerticle.ADDRESS, command, options)
      .map(Message::body)
      .recover(failure -> Future.failedFuture(BusErrors.toApiError(failure)));
  }
}
