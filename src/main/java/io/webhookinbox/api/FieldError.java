package io.webhookinbox.api;

import io.vertx.core.json.JsonObject;

/**
 * One failing input: {@code field} is a JSON pointer into the body (or a header / query parameter name),
 * {@code reason} says why. Reasons never repeat the submitted value, which may be personal data.
 */
public record FieldError(String field, String reason) {
  public JsonObject toJson() {
    return new JsonObject().put("field", field).put("reason", reason);
  }

  /** "field: reason", or the reason alone when it concerns the whole body. */
  public String sentence() {
    return field.isEmpty() ? reason : field + ": " + reason;
  }
}
