package io.webhookinbox.ingest;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.webhookinbox.api.ApiError;
import io.webhookinbox.api.ErrorCode;
import io.webhookinbox.config.RuntimeSettings;
import io.webhookinbox.events.EventClaims.Claim;
import io.webhookinbox.events.EventClaims.ClaimBatch;
import io.webhookinbox.events.NewEvent;
import io.webhookinbox.source.IngestOutcome;
import io.webhookinbox.source.Intake;

import java.util.List;

/**
 * The HTTP side of the event-bus hop to the ingest verticles; every way it can fail becomes an {@link ApiError}. The
 * ingest verticle fails a delivery with an {@link ErrorCode} number and a message safe to show.
 */
public final class IngestClient implements Intake {
  static final int RETRY_AFTER_SECONDS = 5;

  private final EventBus eventBus;
  private final RuntimeSettings settings;
  private final int instances;

  /** @param instances the ingest verticles deployed (numbered 1 to instances) */
  public IngestClient(EventBus eventBus, RuntimeSettings settings, int instances) {
    this.eventBus = eventBus;
    this.settings = settings;
    this.instances = instances;
  }

  @Override
  public boolean enabled(String eventType) {
    return settings.webhooks().enabled(eventType);
  }

  @Override
  public void requireActive() {
    if (!settings.webhooks().active()) {
      throw ApiError.unavailable(ErrorCode.ENDPOINT_DISABLED, 60);
    }
  }

  @Override
  public Future<IngestOutcome> submit(NewEvent event) {
    DeliveryOptions options = new DeliveryOptions().setLocalOnly(true)
      .setSendTimeout(settings.webhooks().timeoutSeconds() * 1000L);
    return eventBus.<IngestOutcome>request(addressOf(event), event, options)
      .map(Message::body)
      .recover(failure -> Future.failedFuture(toApiError(failure)));
  }

  /**
   * Hands a claimed event to the ingest verticle that attempts claims; completes with the status it ended in
   * ({@code lease-lost} when another replica owns it now). The lease covers an attempt that never answers.
   */
  public static Future<String> attempt(EventBus eventBus, Claim claim, long leaseMs) {
    return attempt(eventBus, List.of(claim), leaseMs).map(statuses -> statuses.getString(0));
  }

  /** As {@link #attempt(EventBus, Claim, long)} for claims attempted in one transaction; one status each. */
  public static Future<JsonArray> attempt(EventBus eventBus, List<Claim> claims, long leaseMs) {
    return eventBus.<JsonArray>request(IngestVerticle.ATTEMPT_ADDRESS, new ClaimBatch(claims),
      new DeliveryOptions().setLocalOnly(true).setSendTimeout(leaseMs)).map(Message::body);
  }

  /**
   * Every event of one resource (an order, a payment), and so every copy of an event, goes to the same instance.
   * Copies: its group commit holds a copy back until the first is stored, where two instances would race on the
   * event's key and the loser's whole batch would be stored again one by one (measured: a sender's re-send every ten
   * deliveries turned a short stall into 400 ms ones). Resources: two instances' group commits updating the same
   * order would wait on each other's row lock until one commits.
   */
  private String addressOf(NewEvent event) {
    String key = event.identity().externalId() != null ? event.identity().externalId() : event.eventId();
    int hash = 31 * event.source().hashCode() + key.hashCode();
    return IngestVerticle.address(1 + Math.floorMod(hash, instances));
  }

  static ApiError toApiError(Throwable failure) {
    if (failure instanceof ReplyException reply) {
      switch (reply.failureType()) {
        case TIMEOUT:
          return ApiError.unavailable(ErrorCode.PROCESSING_TIMEOUT, RETRY_AFTER_SECONDS);
        case NO_HANDLERS:
          return ApiError.unavailable(ErrorCode.SHUTTING_DOWN, 1);
        case RECIPIENT_FAILURE:
          ErrorCode code = ErrorCode.byCode(reply.failureCode());
          if (code.httpStatus() == 503) {
            return ApiError.unavailable(code, RETRY_AFTER_SECONDS);
          }
          return code == ErrorCode.INTERNAL_ERROR ? ApiError.of(code) : new ApiError(code, reply.getMessage());
        default:
          break;
      }
    }
    return ApiError.of(ErrorCode.INTERNAL_ERROR);
  }
}
