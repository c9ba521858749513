package io.webhookinbox.source;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;

/** Erasure of a resource's personal data ({@code DELETE <resource path>/personal-data}). */
public interface PersonalData {
  /**
   * Erases it from the resource and from every stored payload of its events, in the caller's transaction (which
   * also records the audit row). Idempotent. Fails with an {@code ApiError} (404) when neither the resource nor any
   * event of it is stored. The answer must hold no personal data: it goes to the audit trail.
   */
  Future<JsonObject> erase(SqlConnection connection, String id);
}
