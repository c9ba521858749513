package io.webhookinbox.console;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.webhookinbox.api.ApiError;
import io.webhookinbox.api.ErrorCode;
import io.webhookinbox.api.JsonBodies;
import io.webhookinbox.api.Rfc3339;

import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.regex.Pattern;

/** Fields of the console's JSON request bodies, checked as the API checks query parameters: 400 naming the field. */
final class Bodies {
  private Bodies() {
  }

  static JsonObject object(RoutingContext ctx) {
    return ctx.body().buffer() == null || ctx.body().length() == 0 ? new JsonObject()
      : JsonBodies.parseObject(ctx.body().buffer());
  }

  /** A string field matching {@code allowed} (null: any string), null when absent or empty. */
  static String string(JsonObject body, String field, Pattern allowed) {
    Object value = body.getValue(field);
    if (value == null || value instanceof String text && text.isEmpty()) {
      return null;
    }
    if (!(value instanceof String text) || allowed != null && !allowed.matcher(text).matches()) {
      throw ApiError.field(ErrorCode.BAD_REQUEST, "/" + field, "is not a valid value");
    }
    return text;
  }

  static String oneOf(JsonObject body, String field, Collection<String> allowed) {
    String value = string(body, field, null);
    if (value != null && !allowed.contains(value)) {
      throw ApiError.field(ErrorCode.BAD_REQUEST, "/" + field, "must be one of " + allowed.stream().sorted().toList());
    }
    return value;
  }

  static int integer(JsonObject body, String field, int fallback, int min, int max) {
    Object value = body.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue())
      || number.longValue() < min || number.longValue() > max) {
      throw ApiError.field(ErrorCode.BAD_REQUEST, "/" + field, "must be a whole number from " + min + " to " + max);
    }
    return number.intValue();
  }

  static OffsetDateTime time(JsonObject body, String field) {
    String value = string(body, field, null);
    return value == null ? null : Rfc3339.parse(value, "/" + field);
  }
}
