package io.webhookinbox.admin;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.webhookinbox.audit.AuditTrail;
import io.webhookinbox.db.BoundedPool;
import io.webhookinbox.config.DatabaseConfig;
import io.webhookinbox.config.RuntimeSettings;
import io.webhookinbox.db.ConnectionBudget;
import io.webhookinbox.db.Pools;
import io.webhookinbox.db.BusReplies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.function.Function;

/**
 * Answers the operators' read requests (events, statistics, orders, payments) and personal-data erasures with its
 * own small pool.
 */
public final class AdminVerticle extends VerticleBase {
  static final String EVENT_ADDRESS = "webhook-inbox.admin.event";
  static final String SEARCH_ADDRESS = "webhook-inbox.admin.events";
  static final String STATISTICS_ADDRESS = "webhook-inbox.admin.statistics";
  static final String ORDER_ADDRESS = "webhook-inbox.admin.order";
  static final String PAYMENT_ADDRESS = "webhook-inbox.admin.payment";
  static final String ERASE_ADDRESS = "webhook-inbox.admin.erase-personal-data";
  private static final Logger LOG = LoggerFactory.getLogger(AdminVerticle.class);

  private final DatabaseConfig database;
  private final RuntimeSettings settings;

  public AdminVerticle(DatabaseConfig database, RuntimeSettings settings) {
    this.database = database;
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    BoundedPool pool = Pools.create(vertx, database, ConnectionBudget.ADMIN, "admin", () -> settings.webhooks().timeoutSeconds());
    EventQueries events = new EventQueries(pool);
    ResourceQueries resources = new ResourceQueries(pool);
    Statistics statistics = new Statistics(pool);
    Map<String, Function<JsonObject, Future<JsonObject>>> handlers = Map.of(
      EVENT_ADDRESS, events::event,
      SEARCH_ADDRESS, events::search,
      STATISTICS_ADDRESS, statistics::compute,
      ORDER_ADDRESS, resources::order,
      PAYMENT_ADDRESS, resources::payment,
      ERASE_ADDRESS, new PersonalDataErasure(pool)::erase);
    handlers.forEach((address, handler) -> vertx.eventBus().<JsonObject>localConsumer(address,
      message -> handler.apply(message.body())
        .onSuccess(message::reply)
        .onFailure(failure -> BusReplies.fail(message, failure, LOG, "answering " + address))));
    // Refused operator actions (a small insert each) and the audit listing are served on this pool too.
    AuditTrail.serve(vertx, pool);
    return Future.succeededFuture();
  }
}
