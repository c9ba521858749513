package io.webhookinbox.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A schema compiled into small checks that the JIT compiles like any code, for the common case: a delivery that is
 * valid. Its verdict is yes, no or unsure; only a yes skips the full validator (vertx-json-schema, the validator of
 * record), which decides everything else and explains a refusal. Where the two could read the schema differently (a
 * decimal that is whole, a date-time it cannot parse, a string outside the basic plane) it is unsure, never wrong;
 * FastSchemaTest holds it to that over every accepted and every rejected body the tests know. The full validator is
 * one method too large for HotSpot to compile by default, and runs several times slower interpreted.
 *
 * <p>It also names what it is sure fails ({@link #explain}), for the bodies the full validator cannot judge (it
 * throws on an empty string where an email is due). Only the keywords the service's schemas use are compiled; a
 * schema with any other keyword fails at start-up (a format it does not know is merely never certain).
 */
final class FastSchema {
  /** Keywords that only annotate: they never make an instance invalid. */
  private static final Set<String> ANNOTATIONS = Set.of("$schema", "$id", "title", "description", "default",
    "examples", "$comment", "$defs");
  private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  static final Pattern EMAIL = Pattern.compile(
    "[A-Za-z0-9._%+-]+@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");
  private static final Pattern DATE_TIME = Pattern.compile(
    "\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})");

  /** What a compiled check knows of an instance. */
  enum Verdict {
    YES, NO, UNSURE;

    Verdict and(Verdict other) {
      if (this == NO || other == NO) {
        return NO;
      }
      return this == UNSURE || other == UNSURE ? UNSURE : YES;
    }

    static Verdict of(boolean certain) {
      return certain ? YES : NO;
    }
  }

  /** Where a check is, when it explains itself: the instance's pointer and the list of what certainly failed. */
  record Trail(String pointer, List<FieldError> failures) {
    Trail child(String segment) {
      return new Trail(pointer + "/" + JsonBodies.escape(segment), failures);
    }
  }

  /** One compiled schema; {@code trail} null unless it should say what certainly fails. */
  @FunctionalInterface
  interface Check {
    Verdict check(Object instance, Trail trail);
  }

  /** One keyword's test of one value: certain, or not. */
  @FunctionalInterface
  private interface Rule {
    Verdict test(Object instance);
  }

  private final JsonObject root;
  private final Map<String, Check> refs = new HashMap<>();
  private final Check check;

  private FastSchema(JsonObject root) {
    this.root = root;
    this.check = compile(root);
  }

  /** @throws IllegalArgumentException for a keyword this compiler does not know */
  static FastSchema of(JsonObject schema) {
    return new FastSchema(schema);
  }

  Verdict check(Object instance) {
    return check.check(instance, null);
  }

  /** The fields that certainly fail, each with the reason the validator of record would give. */
  List<FieldError> explain(Object instance) {
    List<FieldError> failures = new ArrayList<>();
    check.check(instance, new Trail("", failures));
    return failures;
  }

  private Check compile(Object node) {
    if (Boolean.TRUE.equals(node)) {
      return (instance, trail) -> Verdict.YES;
    }
    if (!(node instanceof JsonObject schema)) {
      return (instance, trail) -> Verdict.UNSURE;
    }
    List<Check> checks = new ArrayList<>();
    for (String keyword : schema.fieldNames()) {
      Object value = schema.getValue(keyword);
      if (ANNOTATIONS.contains(keyword)) {
        continue;
      }
      switch (keyword) {
        case "type" -> checks.add(leaf(keyword, value, type(value)));
        case "required" -> checks.add(required((JsonArray) value));
        case "properties" -> checks.add(properties((JsonObject) value));
        case "items" -> checks.add(items(compile(value)));
        case "maxItems" -> checks.add(leaf(keyword, value, instance -> !(instance instanceof JsonArray array)
          ? Verdict.YES : Verdict.of(array.size() <= ((Number) value).intValue())));
        case "minItems" -> checks.add(leaf(keyword, value, instance -> !(instance instanceof JsonArray array)
          ? Verdict.YES : Verdict.of(array.size() >= ((Number) value).intValue())));
        case "enum" -> checks.add(leaf(keyword, value, oneOf(((JsonArray) value).getList())));
        case "const" -> checks.add(leaf(keyword, value, oneOf(Collections.singletonList(value))));
        case "pattern" -> {
          Pattern pattern = Pattern.compile((String) value);
          PlainPattern plain = PlainPattern.of((String) value).orElse(null);
          checks.add(leaf(keyword, value, instance -> !(instance instanceof String text) ? Verdict.YES
            : Verdict.of(plain != null && plain.certainlyMatches(text) || pattern.matcher(text).find())));
        }
        case "minLength" -> checks.add(leaf(keyword, value, length(((Number) value).intValue(), true)));
        case "maxLength" -> checks.add(leaf(keyword, value, length(((Number) value).intValue(), false)));
        case "minimum" -> checks.add(leaf(keyword, value, instance -> !(instance instanceof Number number)
          ? Verdict.YES : Verdict.of(compare(number, (Number) value) >= 0)));
        case "maximum" -> checks.add(leaf(keyword, value, instance -> !(instance instanceof Number number)
          ? Verdict.YES : Verdict.of(compare(number, (Number) value) <= 0)));
        case "format" -> checks.add(leaf(keyword, value, format((String) value)));
        case "$ref" -> checks.add(ref((String) value));
        case "allOf" -> checks.add(all(((JsonArray) value).stream().map(this::compile).toList()));
        case "if" -> checks.add(conditional(compile(value), schema.getValue("then"), schema.getValue("else")));
        case "then", "else" -> {
          // Compiled with their "if".
        }
        default -> throw new IllegalArgumentException("schema keyword " + keyword + " is not compiled");
      }
    }
    return all(checks);
  }

  /** A keyword on the value itself; a certain failure is named with the validator of record's reason. */
  private static Check leaf(String keyword, Object rule, Rule test) {
    String reason = SchemaValidator.reason(keyword, rule);
    return (instance, trail) -> {
      Verdict verdict = test.test(instance);
      if (verdict == Verdict.NO && trail != null) {
        trail.failures().add(new FieldError(trail.pointer(), reason));
      }
      return verdict;
    };
  }

  private static Check all(List<Check> checks) {
    Check[] each = checks.toArray(Check[]::new);
    return (instance, trail) -> {
      Verdict verdict = Verdict.YES;
      for (Check check : each) {
        verdict = verdict.and(check.check(instance, trail));
        if (verdict == Verdict.NO && trail == null) {
          return verdict;
        }
      }
      return verdict;
    };
  }

  /** Where it cannot tell whether the condition holds, the instance must satisfy both branches to be certain. */
  private Check conditional(Check condition, Object then, Object otherwise) {
    Check thenCheck = then == null ? (instance, trail) -> Verdict.YES : compile(then);
    Check elseCheck = otherwise == null ? (instance, trail) -> Verdict.YES : compile(otherwise);
    return (instance, trail) -> switch (condition.check(instance, null)) {
      case YES -> thenCheck.check(instance, trail);
      case NO -> elseCheck.check(instance, trail);
      case UNSURE -> thenCheck.check(instance, null) == Verdict.YES && elseCheck.check(instance, null) == Verdict.YES
        ? Verdict.YES : Verdict.UNSURE;
    };
  }

  private Check ref(String ref) {
    if (!ref.startsWith("#/")) {
      throw new IllegalArgumentException("only local $ref is compiled: " + ref);
    }
    Check known = refs.get(ref);
    if (known != null) {
      return known;
    }
    // Compiled once, while the schema is built (single-threaded); the indirection lets a schema refer to itself.
    Check[] target = new Check[1];
    Check indirect = (instance, trail) -> target[0].check(instance, trail);
    refs.put(ref, indirect);
    target[0] = compile(resolve(ref));
    return indirect;
  }

  private Object resolve(String ref) {
    Object node = root;
    for (String segment : ref.substring(2).split("/")) {
      node = node instanceof JsonObject object ? object.getValue(segment.replace("~1", "/").replace("~0", "~")) : null;
    }
    if (node == null) {
      throw new IllegalArgumentException("unresolved $ref " + ref);
    }
    return node;
  }

  private static Rule type(Object value) {
    List<Rule> types = new ArrayList<>();
    for (Object name : value instanceof JsonArray array ? array.getList() : List.of(value)) {
      types.add(switch ((String) name) {
        case "object" -> instance -> Verdict.of(instance instanceof JsonObject);
        case "array" -> instance -> Verdict.of(instance instanceof JsonArray);
        case "string" -> instance -> Verdict.of(instance instanceof String);
        case "boolean" -> instance -> Verdict.of(instance instanceof Boolean);
        case "null" -> instance -> Verdict.of(instance == null);
        // A decimal that happens to be whole may or may not count as an integer: the full validator decides.
        case "integer" -> instance -> instance instanceof Integer || instance instanceof Long
          || instance instanceof BigInteger ? Verdict.YES : instance instanceof Number ? Verdict.UNSURE : Verdict.NO;
        case "number" -> instance -> Verdict.of(instance instanceof Number);
        default -> throw new IllegalArgumentException("type " + name + " is not compiled");
      });
    }
    return instance -> {
      Verdict best = Verdict.NO;
      for (Rule type : types) {
        Verdict verdict = type.test(instance);
        if (verdict == Verdict.YES) {
          return verdict;
        }
        best = verdict == Verdict.UNSURE ? verdict : best;
      }
      return best;
    };
  }

  private static Check required(JsonArray names) {
    List<String> required = names.stream().map(String.class::cast).toList();
    return (instance, trail) -> {
      if (!(instance instanceof JsonObject object)) {
        return Verdict.YES;
      }
      Verdict verdict = Verdict.YES;
      for (String name : required) {
        if (!object.containsKey(name)) {
          verdict = Verdict.NO;
          if (trail == null) {
            return verdict;
          }
          trail.failures().add(new FieldError(trail.child(name).pointer(), "is required"));
        }
      }
      return verdict;
    };
  }

  private Check properties(JsonObject properties) {
    Map<String, Check> byName = new HashMap<>();
    properties.forEach(property -> byName.put(property.getKey(), compile(property.getValue())));
    return (instance, trail) -> {
      if (!(instance instanceof JsonObject object)) {
        return Verdict.YES;
      }
      Verdict verdict = Verdict.YES;
      for (Map.Entry<String, Check> property : byName.entrySet()) {
        if (object.containsKey(property.getKey())) {
          verdict = verdict.and(property.getValue().check(object.getValue(property.getKey()),
            trail == null ? null : trail.child(property.getKey())));
        }
      }
      return verdict;
    };
  }

  private static Check items(Check item) {
    return (instance, trail) -> {
      if (!(instance instanceof JsonArray array)) {
        return Verdict.YES;
      }
      Verdict verdict = Verdict.YES;
      for (int i = 0; i < array.size(); i++) {
        verdict = verdict.and(item.check(array.getValue(i), trail == null ? null : trail.child(String.valueOf(i))));
      }
      return verdict;
    };
  }

  /**
   * JSON Schema counts code points; a validator may count UTF-16 units. Certain when both counts agree on the
   * bound, unsure when only one holds (a string with characters outside the basic plane).
   */
  private static Rule length(int bound, boolean minimum) {
    return instance -> {
      if (!(instance instanceof String text)) {
        return Verdict.YES;
      }
      boolean units = minimum ? text.length() >= bound : text.length() <= bound;
      int codePoints = text.codePointCount(0, text.length());
      boolean points = minimum ? codePoints >= bound : codePoints <= bound;
      return units == points ? Verdict.of(units) : Verdict.UNSURE;
    };
  }

  /** Exact for strings, booleans, integers and null; other values are left to the full validator. */
  private static Rule oneOf(List<?> allowed) {
    return instance -> {
      if (instance == null || instance instanceof String || instance instanceof Boolean
        || instance instanceof Integer || instance instanceof Long) {
        for (Object value : allowed) {
          if (value == null ? instance == null
            : value.equals(instance) || value instanceof Number n && instance instanceof Number m && compare(n, m) == 0) {
            return Verdict.YES;
          }
        }
        return Verdict.NO;
      }
      return Verdict.UNSURE;
    };
  }

  /**
   * A value these strict checks accept is certainly of its format (a date-time with its offset, a plain date, a
   * plain address) and an empty one certainly is not; any other is left to the full validator, and so is every
   * other format.
   */
  private static Rule format(String format) {
    Predicate<String> certain = switch (format) {
      case "date-time" -> FastSchema::dateTime;
      case "date" -> FastSchema::date;
      case "email" -> text -> (plainAddress(text) || EMAIL.matcher(text).matches()) && !text.startsWith(".")
        && !text.contains("..") && !text.contains(".@") && text.indexOf('@') <= 64;
      default -> text -> false;
    };
    return instance -> {
      if (!(instance instanceof String text)) {
        return Verdict.YES;
      }
      if (text.isEmpty()) {
        return Verdict.NO;
      }
      return certain.test(text) ? Verdict.YES : Verdict.UNSURE;
    };
  }

  /** True only for an address {@link #EMAIL} matches, checked without the regex engine (which backtracks). */
  static boolean plainAddress(String text) {
    int at = text.indexOf('@');
    if (at <= 0) {
      return false;
    }
    for (int i = 0; i < at; i++) {
      char c = text.charAt(i);
      if (!asciiLetterOrDigit(c) && "._%+-".indexOf(c) < 0) {
        return false;
      }
    }
    int labels = 0;
    for (int start = at + 1; start <= text.length(); labels++) {
      int dot = text.indexOf('.', start);
      int end = dot < 0 ? text.length() : dot;
      if (end - start < 1 || end - start > 63 || !asciiLetterOrDigit(text.charAt(start))
        || !asciiLetterOrDigit(text.charAt(end - 1))) {
        return false;
      }
      for (int i = start + 1; i < end - 1; i++) {
        if (!asciiLetterOrDigit(text.charAt(i)) && text.charAt(i) != '-') {
          return false;
        }
      }
      start = end + 1;
    }
    return labels >= 2;
  }

  private static boolean asciiLetterOrDigit(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
  }

  private static boolean dateTime(String text) {
    if (Rfc3339.parseCommon(text) != null) {
      return true;
    }
    if (!DATE_TIME.matcher(text).matches()) {
      return false;
    }
    try {
      OffsetDateTime.parse(text.toUpperCase(Locale.ROOT));
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static boolean date(String text) {
    if (text.length() == 10 && Rfc3339.isDate(text)) {
      return true;
    }
    if (!DATE.matcher(text).matches()) {
      return false;
    }
    try {
      LocalDate.parse(text);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static int compare(Number a, Number b) {
    return new BigDecimal(a.toString()).compareTo(new BigDecimal(b.toString()));
  }
}
