package io.webhookinbox.sources.acme;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.webhookinbox.api.ApiError;
import io.webhookinbox.api.ErrorCode;
import io.webhookinbox.api.SchemaValidator;
import io.webhookinbox.config.AppConfig;
import io.webhookinbox.config.Setting;
import io.webhookinbox.events.Applied;
import io.webhookinbox.events.StoredEvent;
import io.webhookinbox.source.Endpoint;
import io.webhookinbox.source.Resource;
import io.webhookinbox.source.Source;
import io.webhookinbox.source.SourceApplier;

import java.util.List;

/**
 * A third sender that exists only in tests: everything the service needs to receive it is in this folder (and its
 * schema and migration under the test resources' {@code sources/acme} and {@code db/sources/acme}).
 */
public final class AcmeSource implements Source {
  public static final String NAME = "acme";
  static final Setting<Integer> MIN_PRIORITY = Setting.integer("acme.minPriority", 0, 0, 9).env("ACME_MIN_PRIORITY")
    .doc("Tickets below this priority are refused (400)");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<EventType> eventTypes() {
    return List.of(new EventType("TicketOpened", true), new EventType("TicketClosed", true));
  }

  @Override
  public List<Setting<?>> settings() {
    return List.of(MIN_PRIORITY);
  }

  @Override
  public SourceApplier applier() {
    return new Tickets();
  }

  @Override
  public String idField() {
    return "ticketId";
  }

  @Override
  public Resource resource() {
    return new Tickets();
  }

  @Override
  public String migrations() {
    return "db/sources/acme";
  }

  @Override
  public Endpoint endpoint(AppConfig config) {
    return new AcmeWebhook(SchemaValidator.fromResource("sources/acme/ticket-event.schema.json"),
      MIN_PRIORITY.read(config.root()));
  }

  /** Applies ticket events (newest wins) and reads tickets back. */
  static final class Tickets implements SourceApplier, Resource {
    static final String UPSERT = """
      INSERT INTO acme_tickets AS t (ticket_id, status, priority, last_event_id, last_event_at)
      VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (ticket_id) DO UPDATE SET status = EXCLUDED.status, priority = EXCLUDED.priority,
        version = t.version + 1, last_event_id = EXCLUDED.last_event_id, last_event_at = EXCLUDED.last_event_at
      WHERE (t.last_event_at, t.last_event_id) < (EXCLUDED.last_event_at, EXCLUDED.last_event_id)
      RETURNING version""";
    static final String VERSION = "SELECT version FROM acme_tickets WHERE ticket_id = $1";
    static final String READ = "SELECT ticket_id, status, priority, version FROM acme_tickets WHERE ticket_id = $1";

    @Override
    public String source() {
      return NAME;
    }

    @Override
    public Future<Applied> apply(SqlConnection connection, StoredEvent event) {
      JsonObject ticket = event.payload().getJsonObject("ticket");
      String status = "TicketClosed".equals(event.eventType()) ? "closed" : "open";
      return connection.preparedQuery(UPSERT).execute(Tuple.of(event.externalId(), status,
          ticket.getInteger("priority"), event.eventId(), event.occurredAt()))
        .compose(rows -> rows.size() > 0
          ? Future.succeededFuture(new Applied(false, rows.iterator().next().getInteger("version")))
          : currentVersion(connection, event.externalId()).map(version -> new Applied(true, version)));
    }

    @Override
    public Future<Integer> currentVersion(SqlConnection connection, String ticketId) {
      return connection.preparedQuery(VERSION).execute(Tuple.of(ticketId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getInteger("version"));
    }

    @Override
    public String path() {
      return "/api/acme/tickets/:ticketId";
    }

    @Override
    public String idParam() {
      return "ticketId";
    }

    @Override
    public Future<JsonObject> read(SqlClient client, String id, boolean personal) {
      return client.preparedQuery(READ).execute(Tuple.of(id)).map(rows -> {
        if (rows.size() == 0) {
          throw new ApiError(ErrorCode.NOT_FOUND, "No ticket " + id);
        }
        var row = rows.iterator().next();
        return new JsonObject().put("ticketId", row.getString("ticket_id")).put("status", row.getString("status"))
          .put("priority", row.getInteger("priority")).put("version", row.getInteger("version"));
      });
    }
  }
}
