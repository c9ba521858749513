package io.webhookinbox.source;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Paths into a JSON payload ({@code order.clientReference}, {@code order.services[].code}: object keys joined by
 * dots, {@code []} for any element of an array), and masking by an allow-list of them. What a source does not list
 * as public is treated as personal data, so a property a sender adds unannounced stays masked.
 */
public final class PayloadPaths {
  /** What a masked value reads as: it tells that a value is there, never anything of it. */
  public static final String MASK = "•••";

  private PayloadPaths() {
  }

  /** A copy of {@code payload} with every value whose path is not in {@code publicPaths} masked (nulls stay null). */
  public static Object mask(Object payload, Set<String> publicPaths) {
    return mask(payload, "", publicPaths);
  }

  private static Object mask(Object value, String path, Set<String> publicPaths) {
    if (value instanceof JsonObject object) {
      JsonObject masked = new JsonObject();
      object.forEach(entry -> masked.put(entry.getKey(), mask(entry.getValue(), child(path, entry.getKey()),
        publicPaths)));
      return masked;
    }
    if (value instanceof JsonArray array) {
      JsonArray masked = new JsonArray();
      array.forEach(element -> masked.add(mask(element, path + "[]", publicPaths)));
      return masked;
    }
    if (value == null || publicPaths.contains(path)) {
      return value;
    }
    return MASK;
  }

  /** Every leaf path of a containment document (an empty object or array counts as a leaf). */
  public static List<String> leaves(Object document) {
    List<String> paths = new ArrayList<>();
    leaves(document, "", paths);
    return paths;
  }

  private static void leaves(Object value, String path, List<String> paths) {
    if (value instanceof JsonObject object && !object.isEmpty()) {
      object.forEach(entry -> leaves(entry.getValue(), child(path, entry.getKey()), paths));
    } else if (value instanceof JsonArray array && !array.isEmpty()) {
      array.forEach(element -> leaves(element, path + "[]", paths));
    } else {
      paths.add(path);
    }
  }

  private static String child(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }
}
