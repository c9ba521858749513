package io.webhookinbox.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/** Typed reads of config sections: a wrong type or range fails start-up with the key's full name. */
final class Json {
  private Json() {
  }

  static JsonObject section(JsonObject root, String key) {
    return section(root, key, key);
  }

  /** @param fullKey the section's dotted name from the top, for the message */
  static JsonObject section(JsonObject root, String key, String fullKey) {
    Object value = root.getValue(key);
    if (value == null) {
      return new JsonObject();
    }
    if (value instanceof JsonObject object) {
      return object;
    }
    throw new InvalidSetting(fullKey, "must be a mapping");
  }

  static String string(JsonObject json, String prefix, String key, String fallback) {
    Object value = json.getValue(key);
    if (value == null) {
      return fallback;
    }
    if (value instanceof String || value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    throw new InvalidSetting(prefix + key, "must be a string");
  }

  static int integer(JsonObject json, String prefix, String key, int fallback, int min, int max) {
    Object value = json.getValue(key);
    if (value == null) {
      return fallback;
    }
    double number;
    if (value instanceof Number given && given.doubleValue() == Math.rint(given.doubleValue())) {
      number = given.doubleValue();
    } else if (value instanceof String text && text.trim().matches("-?\\d{1,18}")) {
      number = Long.parseLong(text.trim());
    } else {
      throw new InvalidSetting(prefix + key, "must be a whole number");
    }
    // Checked before narrowing: intValue() of 4294968296 is 1000, which would pass.
    if (number < min || number > max) {
      throw new InvalidSetting(prefix + key, "must be between " + min + " and " + max);
    }
    return (int) number;
  }

  static double decimal(JsonObject json, String prefix, String key, double fallback, double min, double max) {
    Object value = json.getValue(key);
    double result;
    if (value == null) {
      result = fallback;
    } else if (value instanceof Number number) {
      result = number.doubleValue();
    } else if (value instanceof String text) {
      try {
        result = Double.parseDouble(text.trim());
      } catch (NumberFormatException e) {
        throw new InvalidSetting(prefix + key, "must be a number");
      }
    } else {
      throw new InvalidSetting(prefix + key, "must be a number");
    }
    if (!(result >= min && result <= max)) {
      throw new InvalidSetting(prefix + key, "must be between " + min + " and " + max);
    }
    return result;
  }

  static boolean bool(JsonObject json, String prefix, String key, boolean fallback) {
    Object value = json.getValue(key);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Boolean flag) {
      return flag;
    }
    if (value instanceof String text && (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(text);
    }
    throw new InvalidSetting(prefix + key, "must be true or false");
  }

  /** A list given either as a YAML sequence or as one comma-separated string (the form env vars take). */
  static List<String> strings(JsonObject json, String prefix, String key) {
    Object value = json.getValue(key);
    List<String> result = new ArrayList<>();
    if (value == null) {
      return result;
    }
    if (value instanceof JsonArray array) {
      for (Object item : array) {
        if (!(item instanceof String text)) {
          throw new InvalidSetting(prefix + key, "must be a list of strings");
        }
        addTrimmed(result, text);
      }
    } else if (value instanceof String text) {
      for (String part : text.split(",")) {
        addTrimmed(result, part);
      }
    } else {
      throw new InvalidSetting(prefix + key, "must be a list of strings");
    }
    return List.copyOf(result);
  }

  private static void addTrimmed(List<String> into, String text) {
    String trimmed = text.trim();
    if (!trimmed.isEmpty()) {
      into.add(trimmed);
    }
  }
}
