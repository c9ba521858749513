package io.webhookinbox.admin;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.webhookinbox.api.ApiError;
import io.webhookinbox.api.ErrorCode;
import io.webhookinbox.source.PayloadPaths;
import io.webhookinbox.source.Source;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A payload filter as operators write it: a JSON object the payload must contain ({@code {"order":{"status":
 * "OnHold"}}}), or {@code path = value} ({@code order.clientReference = REQ-1}, {@code order.services[].code = DRUG}).
 * Both become JSON containment, which the GIN index on payloads answers. A path a source does not list as public may
 * hold personal data: searching it needs {@code webhooks:pii}; without it the search covers only the sources for
 * which every path searched is public.
 */
public final class PayloadSearch {
  static final int MAX_LENGTH = 2048;
  private static final Pattern PATH_EQUALS = Pattern.compile("\\s*([A-Za-z0-9_$-]+(?:\\[\\])?(?:\\.[A-Za-z0-9_$-]+(?:\\[\\])?)*)"
    + "\\s*=\\s*(.*?)\\s*");
  private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]{0,17})(\\.[0-9]{1,17})?");
  private static final int MAX_DEPTH = 8;

  /**
   * What an event's payload must contain: any of {@code anyOf}; {@code sources} the sources searched (null: all).
   */
  public record Filter(List<JsonObject> anyOf, List<String> sources) {
  }

  private PayloadSearch() {
  }

  /**
   * The filter for {@code text}, or a 400 naming the parameter ({@code field}) when it is neither form, or a 403 when
   * it searches personal data without {@code pii}.
   *
   * @param source the source filter already given (null: any)
   */
  public static Filter parse(String field, String text, boolean pii, List<Source> sources, String source) {
    if (text.length() > MAX_LENGTH) {
      throw ApiError.field(ErrorCode.BAD_REQUEST, field, "must be at most " + MAX_LENGTH + " characters");
    }
    List<JsonObject> anyOf = containments(field, text.trim());
    List<String> paths = PayloadPaths.leaves(anyOf.get(0));
    if (pii) {
      return new Filter(anyOf, null);
    }
    List<String> searchable = sources.stream()
      .filter(each -> source == null || each.name().equals(source))
      .filter(each -> each.publicPayloadPaths().containsAll(paths))
      .map(Source::name).toList();
    if (searchable.isEmpty()) {
      throw ApiError.field(ErrorCode.FORBIDDEN, field,
        "searches a path that may hold personal data; that needs scope webhooks:pii");
    }
    return new Filter(anyOf, searchable);
  }

  /**
   * One document for the JSON form; for {@code path = value} the text, and when an unquoted value reads as a number
   * or a boolean ({@code amount = 2000}, {@code livemode = true}) that typed value as well: either may be meant.
   */
  private static List<JsonObject> containments(String field, String text) {
    if (text.startsWith("{")) {
      try {
        JsonObject document = new JsonObject(text);
        if (document.isEmpty() || depth(document) > MAX_DEPTH) {
          throw ApiError.field(ErrorCode.BAD_REQUEST, field, "must be a non-empty JSON object at most "
            + MAX_DEPTH + " levels deep");
        }
        return List.of(document);
      } catch (DecodeException e) {
        throw ApiError.field(ErrorCode.BAD_REQUEST, field, "is not a JSON object");
      }
    }
    Matcher matcher = PATH_EQUALS.matcher(text);
    if (!matcher.matches() || matcher.group(2).isEmpty()) {
      throw ApiError.field(ErrorCode.BAD_REQUEST, field, "must be a JSON object or path = value");
    }
    String[] segments = matcher.group(1).split("\\.");
    if (segments.length > MAX_DEPTH) {
      throw ApiError.field(ErrorCode.BAD_REQUEST, field, "path has more than " + MAX_DEPTH + " segments");
    }
    String written = matcher.group(2);
    boolean quoted = written.length() >= 2 && written.startsWith("\"") && written.endsWith("\"");
    String value = quoted ? written.substring(1, written.length() - 1) : written;
    List<JsonObject> documents = new ArrayList<>(List.of(nested(segments, value)));
    if (!quoted && NUMBER.matcher(value).matches()) {
      documents.add(nested(segments, value.contains(".") ? (Object) Double.valueOf(value) : (Object) Long.valueOf(value)));
    } else if (!quoted && (value.equals("true") || value.equals("false"))) {
      documents.add(nested(segments, Boolean.valueOf(value)));
    }
    return documents;
  }

  private static JsonObject nested(String[] segments, Object leaf) {
    Object value = leaf;
    for (int i = segments.length - 1; i >= 0; i--) {
      String segment = segments[i];
      boolean array = segment.endsWith("[]");
      String key = array ? segment.substring(0, segment.length() - 2) : segment;
      Object element = array ? new JsonArray().add(value) : value;
      value = new JsonObject().put(key, element);
    }
    return (JsonObject) value;
  }

  private static int depth(Object value) {
    if (value instanceof JsonObject object) {
      return 1 + object.stream().mapToInt(entry -> depth(entry.getValue())).max().orElse(0);
    }
    if (value instanceof JsonArray array) {
      return 1 + array.stream().mapToInt(PayloadSearch::depth).max().orElse(0);
    }
    return 0;
  }
}
