package io.webhookinbox.ingest;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.webhookinbox.config.RuntimeSettings;
import io.webhookinbox.api.ApiError;
import io.webhookinbox.api.BusErrors;
import io.webhookinbox.api.ErrorCode;

/** The HTTP side of the event bus hop to the worker; every way it can fail becomes an error envelope. */
public final class IngestClient {
  private final EventBus eventBus;
  private final RuntimeSettings settings;

  public IngestClient(EventBus eventBus, RuntimeSettings settings) {
    this.eventBus = eventBus;
    this.settings = settings;
  }

  /** Whether deliveries of this type are applied now (others are stored as ignored). */
  public boolean enabled(String eventType) {
    return settings.webhooks().enabled(eventType);
  }

  /** 503 with Retry-After while operators have disabled the endpoints; nothing is accepted then. */
  public void requireActive() {
    if (!settings.webhooks().active()) {
      throw ApiError.unavailable(ErrorCode.ENDPOINT_DISABLED, 60);
    }
  }

  public Future<IngestOutcome> submit(IngestCommand command, String correlationId, String principal) {
    DeliveryOptions options = new DeliveryOptions()
      .setLocalOnly(true)
      .setSendTimeout(settings.webhooks().timeoutSeconds() * 1000L)
      .addHeader(IngestVerticle.CORRELATION_HEADER, correlationId)
      .addHeader(IngestVerticle.PRINCIPAL_HEADER, principal == null ? "" : principal);
    return eventBus.<IngestOutcome>request(IngestVerticle.ADDRESS, command, options)
      .map(Message::body)
      .recover(failure -> Future.failedFuture(BusErrors.toApiError(failure)));
  }
}
