package io.webhookinbox.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Cisive order events as the vendor sends them, with recognisable personal data to hunt for in logs. */
public final class CisiveEvents {
  public static final String FIRST_NAME = "Evangelina";
  public static final String LAST_NAME = "Quarterfield";
  public static final String EMAIL = "evangelina.quarterfield@example.org";
  public static final String DATE_OF_BIRTH = "1987-04-23";
  public static final String PHONE = "+44 20 7946 0958";

  private CisiveEvents() {
  }

  public static JsonObject event(String eventId, String eventType, String occurredAt, String externalOrderId,
                                 String status) {
    return new JsonObject()
      .put("eventId", eventId)
      .put("eventType", eventType)
      .put("occurredAt", occurredAt)
      .put("schemaVersion", "1.0")
      .put("order", new JsonObject()
        .put("externalOrderId", externalOrderId)
        .put("status", status)
        .put("packageCode", "PKG-STANDARD")
        .put("clientReference", "CLIENT-REF-7")
        .put("orderedAt", "2026-11-01T09:00:00Z")
        .put("candidate", new JsonObject()
          .put("firstName", FIRST_NAME)
          .put("lastName", LAST_NAME)
          .put("email", EMAIL)
          .put("dateOfBirth", DATE_OF_BIRTH)
          .put("phone", PHONE))
        .put("services", new JsonArray()
          .add(new JsonObject().put("code", "CRIM").put("status", "Pending"))
          .add(new JsonObject().put("code", "EDU").put("status", "Complete")
            .put("completedAt", "2026-11-02T12:00:00+01:00"))));
  }

  public static JsonObject created(String eventId, String externalOrderId) {
    return event(eventId, "OrderCreated", "2026-11-20T10:00:00Z", externalOrderId, "Created");
  }
}
