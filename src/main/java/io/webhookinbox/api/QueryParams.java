package io.webhookinbox.api;

import io.vertx.ext.web.RoutingContext;

import java.time.OffsetDateTime;
import java.util.Set;
import java.util.regex.Pattern;

/** Typed query and path parameters; a bad one is a 400 naming the parameter. */
public final class QueryParams {
  private QueryParams() {
  }

  public static String string(RoutingContext ctx, String name, Pattern allowed) {
    String value = ctx.queryParams().get(name);
    if (value == null || value.isEmpty()) {
      return null;
    }
    if (!allowed.matcher(value).matches()) {
      throw bad(name, "must match " + allowed.pattern());
    }
    return value;
  }

  public static String oneOf(RoutingContext ctx, String name, Set<String> allowed, String fallback) {
    String value = ctx.queryParams().get(name);
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    if (!allowed.contains(value)) {
      throw bad(name, "must be one of " + allowed.stream().sorted().toList());
    }
    return value;
  }

  public static int integer(RoutingContext ctx, String name, int fallback, int min, int max) {
    String value = ctx.queryParams().get(name);
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value);
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw bad(name, "must be a whole number from " + min + " to " + max);
  }

  /** An ISO 8601 / RFC 3339 date-time with offset, or a date (taken as its start in UTC). */
  public static OffsetDateTime dateTime(RoutingContext ctx, String name) {
    String value = ctx.queryParams().get(name);
    if (value == null || value.isEmpty()) {
      return null;
    }
    if (value.length() == 10) {
      value = value + "T00:00:00Z";
    }
    try {
      return Rfc3339.parse(value, name);
    } catch (ApiError e) {
      throw bad(name, "must be an ISO 8601 date-time with offset (e.g. 2026-11-24T10:00:00Z) or a date");
    }
  }

  /** An optional time window: either end may be null (open). */
  public record Window(OffsetDateTime from, OffsetDateTime to) {
  }

  /** The window {@code from} / {@code to}; 400 on {@code to} when both are given and {@code from} is not before it. */
  public static Window window(RoutingContext ctx) {
    OffsetDateTime from = dateTime(ctx, "from");
    OffsetDateTime to = dateTime(ctx, "to");
    if (from != null && to != null && !from.isBefore(to)) {
      throw ApiError.field(ErrorCode.BAD_REQUEST, "to", "must be after from");
    }
    return new Window(from, to);
  }

  /** A {@code cursor} from a previous page, or null. */
  public static KeysetCursor cursor(RoutingContext ctx) {
    String value = ctx.queryParams().get("cursor");
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      return KeysetCursor.decode(value);
    } catch (IllegalArgumentException e) {
      throw bad("cursor", "is not a cursor from a previous page");
    }
  }

  public static String pathParam(RoutingContext ctx, String name, Pattern allowed) {
    String value = ctx.pathParam(name);
    if (value == null || !allowed.matcher(value).matches()) {
      throw bad(name, "must match " + allowed.pattern());
    }
    return value;
  }

  private static ApiError bad(String name, String reason) {
    return ApiError.field(ErrorCode.BAD_REQUEST, name, reason);
  }
}
