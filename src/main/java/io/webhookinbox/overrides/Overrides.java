package io.webhookinbox.overrides;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.webhookinbox.audit.Action;
import io.webhookinbox.audit.AuditEntry;
import io.webhookinbox.audit.AuditTrail;
import io.webhookinbox.audit.Caller;
import io.webhookinbox.db.BoundedPool;
import io.webhookinbox.db.DbErrors;
import io.webhookinbox.config.RuntimeSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.OffsetDateTime;

/**
 * Operator overrides of the run-time settings: stored in PostgreSQL (one row), announced with NOTIFY, and applied
 * by every replica in version order (a notification and a save's own answer may arrive in either order).
 */
public final class Overrides {
  public static final String CHANNEL = "webhook_inbox_config";
  private static final Logger LOG = LoggerFactory.getLogger(Overrides.class);

  static final String LOAD = "SELECT overrides, version, updated_by, updated_at FROM runtime_overrides WHERE id = 1";
  static final String SAVE = """
    INSERT INTO runtime_overrides AS r (id, overrides, version, updated_by, updated_at)
    VALUES (1, $1, 1, $2, now())
    ON CONFLICT (id) DO UPDATE SET overrides = EXCLUDED.overrides, version = r.version + 1,
      updated_by = EXCLUDED.updated_by, updated_at = now()
    RETURNING version, updated_at""";
  static final String NOTIFY = "SELECT pg_notify('" + CHANNEL + "', $1)";

  /** A stored set of overrides: its version and when it was saved. */
  public record Saved(long version, OffsetDateTime updatedAt) {
    public JsonObject toJson() {
      return new JsonObject().put("version", version).put("updatedAt", updatedAt.toString());
    }
  }

  private final BoundedPool pool;
  private final RuntimeSettings settings;
  private long appliedVersion = -1;

  /** @param pool the replica's configuration pool */
  public Overrides(BoundedPool pool, RuntimeSettings settings) {
    this.pool = pool;
    this.settings = settings;
  }

  /** Applies the stored overrides when they are newer than those in force. */
  public Future<Void> reload() {
    return pool.query(LOAD).<Void>map(rows -> {
      if (rows.size() > 0) {
        Row row = rows.iterator().next();
        apply(row.getJsonObject("overrides"), row.getLong("version"), row.getString("updated_by"));
      }
      return null;
    }).onFailure(failure -> LOG.warn("Reloading configuration overrides failed: {}", DbErrors.describe(failure)));
  }

  /**
   * Stores {@code overrides} (already validated), records the change in the audit trail and announces it, in one
   * transaction; then applies it here.
   */
  public Future<Saved> save(JsonObject overrides, Action action, Caller caller) {
    return pool.withTransaction(connection -> connection.preparedQuery(SAVE)
        .execute(Tuple.of(overrides, caller.actor()))
        .compose(rows -> {
          Row row = rows.iterator().next();
          Saved saved = new Saved(row.getLong("version"), row.getOffsetDateTime("updated_at"));
          // Configuration values are not personal data; they are what an auditor needs to see.
          return AuditTrail.record(connection, AuditEntry.succeeded(caller, action, null,
              new JsonObject().put("overrides", overrides), new JsonObject().put("version", saved.version())))
            .compose(recorded -> connection.preparedQuery(NOTIFY).execute(Tuple.of(String.valueOf(saved.version()))))
            .map(notified -> saved);
        }))
      .onSuccess(saved -> apply(overrides, saved.version(), caller.actor()));
  }

  private synchronized void apply(JsonObject overrides, long version, String by) {
    if (version <= appliedVersion) {
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
}
