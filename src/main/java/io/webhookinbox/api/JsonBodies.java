package io.webhookinbox.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/** Content-type check and strict parsing of JSON request bodies into objects PostgreSQL can store. */
public final class JsonBodies {
  private JsonBodies() {
  }

  /** 415 unless the request says {@code application/json}, optionally with {@code charset=utf-8}. */
  public static Handler<RoutingContext> requireJson() {
    return ctx -> {
      String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
      String problem = contentTypeProblem(contentType);
      if (problem != null) {
        throw ApiError.field(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Content-Type", problem);
      }
      ctx.next();
    };
  }

  static String contentTypeProblem(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      return "missing; send application/json";
    }
    String[] parts = contentType.split(";");
    if (!parts[0].trim().equalsIgnoreCase("application/json")) {
      return "must be application/json";
    }
    for (int i = 1; i < parts.length; i++) {
      String[] parameter = parts[i].trim().split("=", 2);
      if (parameter.length == 2 && parameter[0].trim().equalsIgnoreCase("charset")) {
        String charset = parameter[1].trim().replace("\"", "");
        if (!charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
          return "charset must be utf-8";
        }
      }
    }
    return null;
  }

  /**
   * Parses a body that must be one JSON object. Errors name the position, never the content, since bodies carry
   * personal data.
   */
  public static JsonObject parseObject(Buffer body) {
    if (body == null || body.length() == 0) {
      throw ApiError.field(ErrorCode.MALFORMED_JSON, "", "body is empty");
    }
    Object value;
    try {
      value = Json.decodeValue(body);
    } catch (DecodeException e) {
      throw ApiError.field(ErrorCode.MALFORMED_JSON, "", describe(e));
    }
    if (!(value instanceof JsonObject object)) {
      throw ApiError.field(ErrorCode.VALIDATION_FAILED, "", "body must be a JSON object");
    }
    String unstorable = findUnstorable(object);
    if (unstorable != null) {
      throw ApiError.field(ErrorCode.VALIDATION_FAILED, unstorable,
        "contains the NUL character (\\u0000), an unpaired surrogate escape or an out-of-range number, which cannot be stored");
    }
    return object;
  }

  private static String describe(DecodeException e) {
    Throwable cause = e.getCause();
    if (cause instanceof StreamConstraintsException) {
      // Vert.x's parser runs on Jackson's default limits; the exception has no position to give.
      StreamReadConstraints limits = StreamReadConstraints.defaults();
      return "exceeds the JSON parser's limits: nesting at most " + limits.getMaxNestingDepth()
        + " levels, numbers at most " + limits.getMaxNumberLength() + " digits, strings at most "
        + limits.getMaxStringLength() + " characters";
    }
    if (cause instanceof JsonProcessingException processing && processing.getLocation() != null) {
      JsonLocation location = processing.getLocation();
      return "invalid JSON at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }
    return "invalid JSON";
  }

  /**
   * JSON pointer of the first key or string value PostgreSQL jsonb cannot hold (U+0000, an unpaired surrogate),
   * or null when everything can be stored. The pointer is spelled only when something is found: building one per
   * member cost more than the check itself (profiled).
   */
  static String findUnstorable(Object value) {
    Deque<String> segments = unstorable(value);
    if (segments == null) {
      return null;
    }
    StringBuilder found = new StringBuilder();
    segments.forEach(segment -> found.append('/').append(segment));
    return found.toString();
  }

  /** The path to the first unstorable key or value, outermost segment first; null when there is none. */
  private static Deque<String> unstorable(Object value) {
    if (value instanceof String text) {
      return storable(text) ? null : new ArrayDeque<>();
    }
    if (value instanceof Double number && !Double.isFinite(number)
      || value instanceof Float number32 && !Float.isFinite(number32)) {
      // A number too large for a double (1e999999): jsonb cannot hold it either.
      return new ArrayDeque<>();
    }
    if (value instanceof JsonObject object) {
      for (Map.Entry<String, Object> entry : object) {
        Deque<String> found = storable(entry.getKey()) ? unstorable(entry.getValue()) : new ArrayDeque<>();
        if (found != null) {
          found.addFirst(escape(entry.getKey()));
          return found;
        }
      }
    } else if (value instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        Deque<String> found = unstorable(array.getValue(i));
        if (found != null) {
          found.addFirst(Integer.toString(i));
          return found;
        }
      }
    }
    return null;
  }

  private static boolean storable(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\u0000') {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /** RFC 6901 escaping of one pointer segment (a NUL is spelled out so it never reaches a response). */
  public static String escape(String segment) {
    return segment.replace("~", "~0").replace("/", "~1").replace("\u0000", "\\u0000");
  }
}
