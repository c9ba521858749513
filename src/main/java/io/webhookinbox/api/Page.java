package io.webhookinbox.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.function.Function;

/** One page of a listing newest first, and where the next one starts (null on the last page). */
public record Page<T>(List<T> items, KeysetCursor next) {
  /** {@code {<itemsField>: [...], count, nextCursor}}, the shape every listing answers with. */
  public JsonObject toJson(String itemsField, Function<T, JsonObject> item) {
    JsonArray array = new JsonArray();
    items.forEach(value -> array.add(item.apply(value)));
    return new JsonObject().put(itemsField, array).put("count", items.size())
      .put("nextCursor", next == null ? null : next.encode());
  }
}
