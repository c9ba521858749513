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
  private final int workers;

  /** @param workers the worker instances deployed (numbered 1 to workers) */
  public IngestClient(EventBus eventBus, RuntimeSettings settings, int workers) {
    this.eventBus = eventBus;
    this.settings = settings;
    this.workers = workers;
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
    return eventBus.<IngestOutcome>request(workerAddress(command), command, options)
      .map(Message::body)
      .recover(failure -> Future.failedFuture(BusErrors.toApiError(failure)));
  }

  /**
   * Every copy of an event goes to the same worker: its group commit holds a copy back until the first is stored,
   * where two workers would race on the event's key and the loser's whole batch would be stored again one by one
   * (measured: a sender's re-send every ten deliveries turned a short stall into 400 ms ones).
   */
  private String workerAddress(IngestCommand command) {
    int hash = 31 * command.source().hashCode() + command.eventId().hashCode();
    return IngestVerticle.address(1 + Math.floorMod(hash, workers));
  }
}
