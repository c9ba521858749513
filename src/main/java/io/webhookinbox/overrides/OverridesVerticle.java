package io.webhookinbox.overrides;

import io.webhookinbox.config.DatabaseConfig;
import io.webhookinbox.config.RuntimeSettings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.webhookinbox.audit.Action;
import io.webhookinbox.audit.AuditEntry;
import io.webhookinbox.audit.AuditTrail;
import io.webhookinbox.audit.Caller;
import io.webhookinbox.db.BoundedPool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.webhookinbox.db.DbErrors;
import io.webhookinbox.db.Listener;
import io.webhookinbox.db.ConnectionBudget;
import io.webhookinbox.db.Pools;
import io.webhookinbox.db.BusReplies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator overrides of the run-time settings: stored in PostgreSQL (one row), announced with NOTIFY, applied by
 * every replica as soon as the notification arrives, and reloaded whenever the LISTEN connection is (re)made, so
 * a replica that missed a notification catches up. Loaded before the service takes traffic.
 */
public final class OverridesVerticle extends VerticleBase {
  public static final String PUT_ADDRESS = "webhook-inbox.config.put";
  public static final String CHANNEL = "webhook_inbox_config";
  private static final Logger LOG = LoggerFactory.getLogger(OverridesVerticle.class);

  static final String LOAD = "SELECT overrides, version, updated_by, updated_at FROM runtime_overrides WHERE id = 1";
  static final String SAVE = """
    INSERT INTO runtime_overrides AS r (id, overrides, version, updated_by, updated_at)
    VALUES (1, $1, 1, $2, now())
    ON CONFLICT (id) DO UPDATE SET overrides = EXCLUDED.overrides, version = r.version + 1,
      updated_by = EXCLUDED.updated_by, updated_at = now()
    RETURNING version, updated_at""";
  static final String NOTIFY = "SELECT pg_notify('" + CHANNEL + "', $1)";

  private final DatabaseConfig database;
  private final RuntimeSettings settings;
  private BoundedPool pool;
  private Listener listener;
  private long appliedVersion = -1;

  public OverridesVerticle(DatabaseConfig database, RuntimeSettings settings) {
    this.database = database;
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    pool = Pools.create(vertx, database, ConnectionBudget.OVERRIDES, "config", () -> settings.webhooks().timeoutSeconds());
    vertx.eventBus().<JsonObject>localConsumer(PUT_ADDRESS, this::put);
    listener = Listener.start(vertx, database, CHANNEL, version -> reload(), subscribed -> reload(), 1000, LOG);
    // Start with the stored overrides; without the database, start on the file and catch up on reconnect.
    return reload().otherwiseEmpty();
  }

  @Override
  public Future<?> stop() {
    return listener.close();
  }

  private Future<Void> reload() {
    return pool.query(LOAD).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      long version = row.getLong("version");
      if (version > appliedVersion) {
        apply(row.getJsonObject("overrides"), version, row.getString("updated_by"));
      }
      return (Void) null;
    }).onFailure(failure -> LOG.warn("Reloading configuration overrides failed: {}", DbErrors.describe(failure)));
  }

  private void apply(JsonObject overrides, long version, String by) {
    if (version <= appliedVersion) {
      // Notifications and replies can arrive out of order; an older version never replaces a newer one.
      return;
    }
    try {
      settings.applyOverrides(ConfigurationDocument.withoutUnsafe(overrides));
      appliedVersion = version;
      LOG.info("Configuration overrides version {} by {} in force: {}", version, by, overrides.encode());
    } catch (IllegalArgumentException e) {
      LOG.error("Stored configuration overrides version {} do not fit this replica's file, previous settings stay: {}",
        version, e.getMessage());
    }
  }

  /**
   * Body {@code {overrides, principal, action, caller}}, already validated by the HTTP verticle: store, record in
   * the audit trail, announce, apply. The audit row is part of the change's transaction.
   */
  private void put(Message<JsonObject> message) {
    JsonObject overrides = message.body().getJsonObject("overrides");
    Action action = Action.valueOf(message.body().getString("action"));
    pool.withTransaction(connection -> connection.preparedQuery(SAVE)
        .execute(Tuple.of(overrides, message.body().getString("principal")))
        .compose(rows -> {
          Row row = rows.iterator().next();
          long version = row.getLong("version");
          JsonObject saved = new JsonObject().put("version", version)
            .put("updatedAt", row.getOffsetDateTime("updated_at").toString());
          // Configuration values are not personal data; they are what an auditor needs to see.
          return AuditTrail.record(connection, AuditEntry.succeeded(Caller.from(message.body()), action, null,
              new JsonObject().put("overrides", overrides), new JsonObject().put("version", version)))
            .compose(recorded -> connection.preparedQuery(NOTIFY).execute(Tuple.of(String.valueOf(version))))
            .map(notified -> saved);
        }))
      .onSuccess(saved -> {
        apply(overrides, saved.getLong("version"), message.body().getString("principal"));
        message.reply(saved);
      })
      .onFailure(failure -> BusReplies.fail(message, failure, LOG, "saving configuration overrides"));
  }
}
