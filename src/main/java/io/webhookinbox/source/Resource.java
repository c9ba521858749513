package io.webhookinbox.source;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;

/** A source's resource as operators read it ({@code GET <path>}); its event history is added by the caller. */
public interface Resource {
  /** The route, with the id as its one path parameter: {@code /api/orders/:externalOrderId}. */
  String path();

  /** The path parameter's name. */
  String idParam();

  /**
   * The current state; personal data only when {@code personal}. Fails with an {@code ApiError} (404) when there
   * is no such resource.
   */
  Future<JsonObject> read(SqlClient client, String id, boolean personal);
}
