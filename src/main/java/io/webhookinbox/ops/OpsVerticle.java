package io.webhookinbox.ops;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.webhookinbox.db.BoundedPool;
import io.webhookinbox.config.DatabaseConfig;
import io.webhookinbox.config.RuntimeSettings;
import io.webhookinbox.db.Migrations;
import io.webhookinbox.db.ConnectionBudget;
import io.webhookinbox.db.Pools;
import io.webhookinbox.db.DbErrors;
import io.webhookinbox.ingest.IngestVerticle;

import java.util.ArrayList;
import java.util.List;

/**
 * Health procedures (vertx-health-check). Liveness: this event loop and an ingest verticle's answer. Readiness: PostgreSQL
 * answers with the schema this build expects (or a newer one), every ingest verticle's pool can reach it, every verticle is
 * deployed, and the replica is not draining. A
 * database outage takes readiness down and its return brings it back, with no restart.
 */
public final class OpsVerticle extends VerticleBase {
  static final String SCHEMA_VERSIONS = "SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL";
  private static final long CHECK_TIMEOUT_MS = 2000;
  private static final long QUERY_DEADLINE_MS = 1500;

  private final DatabaseConfig database;
  private final RuntimeSettings settings;
  private final Lifecycle lifecycle;
  private final HealthChecks liveness;
  private final HealthChecks readiness;
  private final int ingestInstances;
  private BoundedPool pool;

  /** @param ingestInstances the ingest verticles deployed; readiness asks each whether it can store */
  public OpsVerticle(DatabaseConfig database, RuntimeSettings settings, Lifecycle lifecycle, HealthChecks liveness,
                     HealthChecks readiness, int ingestInstances) {
    this.ingestInstances = ingestInstances;
    this.database = database;
    this.settings = settings;
    this.lifecycle = lifecycle;
    this.liveness = liveness;
    this.readiness = readiness;
  }

  @Override
  public Future<?> start() {
    // The check's query has a deadline shorter than the check's: a connection whose socket went silent is closed
    // and the next check opens a new one, so readiness comes back by itself.
    pool = Pools.create(vertx, database, ConnectionBudget.HEALTH, "health", () -> settings.webhooks().timeoutSeconds(),
      () -> QUERY_DEADLINE_MS);
    liveness.register("event-loop", CHECK_TIMEOUT_MS, promise -> promise.complete(Status.OK()));
    liveness.register("ingest", CHECK_TIMEOUT_MS, this::ingestAnswers);
    readiness.register("database", CHECK_TIMEOUT_MS, this::schemaIsCurrent);
    readiness.register("ingestion", CHECK_TIMEOUT_MS, this::ingestCanStore);
    readiness.register("deployment", CHECK_TIMEOUT_MS, promise -> promise.complete(lifecycle.deployed()
      ? Status.OK() : Status.KO(new JsonObject().put("reason", "verticles still deploying"))));
    readiness.register("accepting", CHECK_TIMEOUT_MS, promise -> promise.complete(lifecycle.draining()
      ? Status.KO(new JsonObject().put("reason", "shutting down")) : Status.OK()));
    return Future.succeededFuture();
  }

  private void ingestAnswers(Promise<Status> promise) {
    vertx.eventBus().request(IngestVerticle.PING_ADDRESS, "ping", new DeliveryOptions().setSendTimeout(CHECK_TIMEOUT_MS))
      .onSuccess(reply -> promise.complete(Status.OK()))
      .onFailure(failure -> promise.complete(Status.KO(new JsonObject().put("reason", "an ingest verticle did not answer"))));
  }

  /**
   * Every ingest verticle's own pool can reach PostgreSQL: the probe's pool may answer while the pools that store deliveries
   * hold connections gone silent, and then the replica must leave the Service until they are replaced.
   */
  private void ingestCanStore(Promise<Status> promise) {
    List<Future<Object>> answers = new ArrayList<>();
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(QUERY_DEADLINE_MS);
    for (int instance = 1; instance <= ingestInstances; instance++) {
      answers.add(vertx.eventBus().request(IngestVerticle.READY_ADDRESS + "." + instance, "ready?", options)
        .map(reply -> reply.body()));
    }
    Future.all(answers)
      .onSuccess(all -> promise.complete(Status.OK()))
      .onFailure(failure -> promise.complete(Status.KO(new JsonObject()
        .put("reason", "an ingest verticle cannot reach the database in time"))));
  }

  /**
   * Ready when the installed schema is this build's or newer: a newer build's migration (additive, see
   * {@link Migrations}) must not take the running replicas out of the Service during a rolling upgrade.
   */
  private void schemaIsCurrent(Promise<Status> promise) {
    pool.query(SCHEMA_VERSIONS)
      .onSuccess(rows -> {
        List<String> versions = new ArrayList<>();
        rows.forEach(row -> versions.add(row.getString("version")));
        String installed = Migrations.newest(versions);
        JsonObject data = new JsonObject().put("schemaVersion", installed).put("expected", Migrations.LATEST_VERSION);
        promise.complete(Migrations.atLeastLatest(installed) ? Status.OK(data)
          : Status.KO(data.put("reason", "migrations not applied")));
      })
      .onFailure(failure -> promise.complete(Status.KO(new JsonObject()
        .put("reason", DbErrors.unavailable(failure) ? "database unreachable" : "database check failed"))));
  }
}
