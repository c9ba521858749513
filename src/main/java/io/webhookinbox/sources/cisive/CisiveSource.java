package io.webhookinbox.sources.cisive;

import io.vertx.core.json.JsonObject;
import io.webhookinbox.api.SchemaValidator;
import io.webhookinbox.config.AppConfig;
import io.webhookinbox.config.LimitsConfig.RateLimit;
import io.webhookinbox.config.Setting;
import io.webhookinbox.security.RateLimiter;
import io.webhookinbox.source.Endpoint;
import io.webhookinbox.source.PersonalData;
import io.webhookinbox.source.Resource;
import io.webhookinbox.source.Source;
import io.webhookinbox.source.SourceApplier;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Cisive, the background-screening vendor: {@code OrderCreated} / {@code OrderUpdated} at
 * {@code POST /api/webhooks/cisive/orders}, authenticated by a bearer token (scope {@code webhooks:ingest}) and,
 * when secrets are configured, a Standard Webhooks signature; applied to {@code orders} by external order id.
 */
public final class CisiveSource implements Source {
  public static final String NAME = "cisive";
  static final String SCHEMA = "sources/cisive/order-event.schema.json";
  /** Standard Webhooks asks for keys of 24 to 64 bytes. */
  static final int MIN_KEY_BYTES = 24;

  static final Setting<List<String>> SECRETS = Setting.list("cisive.webhookSecrets", List.of())
    .env("CISIVE_WEBHOOK_SECRETS")
    .secret(secret -> decodedLength(secret) < MIN_KEY_BYTES ? "must be whsec_ and at least " + MIN_KEY_BYTES
      + " bytes of base64-encoded random data" : null)
    .doc("Standard Webhooks secrets (whsec_<base64>) for order events; any = signatures required; several = rotation");
  static final Setting<Integer> TOLERANCE = Setting.integer("cisive.toleranceSeconds", 300, 1, 86_400)
    .env("CISIVE_TOLERANCE_SECONDS").unit("seconds").doc("webhook-timestamp window, both directions");
  static final Setting<Integer> MAX_FUTURE_SKEW = Setting.integer("cisive.maxFutureSkewSeconds", 300, 0, 86_400)
    .env("CISIVE_MAX_FUTURE_SKEW_SECONDS").unit("seconds")
    .doc("How far an order event's occurredAt may lie ahead of this replica's clock (newest wins, so no further)");
  static final RateLimit.Declared RATE = RateLimit.declare("limits.rate.ingest", 1000, 2000,
    "POST /api/webhooks/cisive/orders per token subject");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<EventType> eventTypes() {
    return List.of(new EventType("OrderCreated", true), new EventType("OrderUpdated", true));
  }

  @Override
  public List<Setting<?>> settings() {
    List<Setting<?>> settings = new ArrayList<>(List.of(SECRETS, TOLERANCE, MAX_FUTURE_SKEW));
    settings.addAll(RATE.settings());
    return settings;
  }

  @Override
  public SourceApplier applier() {
    return new CisiveOrderApplier();
  }

  @Override
  public String idField() {
    return "externalOrderId";
  }

  @Override
  public Resource resource() {
    return new CisiveOrders();
  }

  @Override
  public PersonalData personalData() {
    return new CisiveErasure();
  }

  /** The order's client reference and package code, which are not personal; shown to every reader. */
  @Override
  public Object eventMetadata(JsonObject payload, boolean privileged) {
    JsonObject metadata = new JsonObject();
    if (payload.getValue("order") instanceof JsonObject order) {
      for (String field : List.of("packageCode", "clientReference")) {
        if (order.getValue(field) != null) {
          metadata.put(field, order.getValue(field));
        }
      }
    }
    return metadata;
  }

  /** The allow-list erasure keeps (cisive_payload_redacted, migration V12): everything else may be personal. */
  @Override
  public Set<String> publicPayloadPaths() {
    return Set.of("eventId", "eventType", "occurredAt", "schemaVersion", "order.externalOrderId", "order.status",
      "order.packageCode", "order.clientReference", "order.orderedAt", "order.completedAt", "order.services[].code",
      "order.services[].status", "order.services[].completedAt");
  }

  @Override
  public Endpoint endpoint(AppConfig config) {
    JsonObject root = config.root();
    List<String> secrets = SECRETS.read(root);
    StandardWebhookSignature signature = secrets.isEmpty() ? null
      : StandardWebhookSignature.of(secrets, TOLERANCE.read(root));
    RateLimiter limiter = new RateLimiter("ingest", RATE.read(root), config.limits().maxTrackedCallers(),
      config.limits().clientIpHeader());
    return new CisiveWebhook(SchemaValidator.fromResource(SCHEMA), signature,
      Duration.ofSeconds(MAX_FUTURE_SKEW.read(root)), limiter);
  }

  private static int decodedLength(String secret) {
    try {
      return Base64.getDecoder().decode(secret.startsWith("whsec_") ? secret.substring(6) : secret).length;
    } catch (IllegalArgumentException e) {
      return 0;
    }
  }
}
