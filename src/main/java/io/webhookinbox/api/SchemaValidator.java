package io.webhookinbox.api;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Validates request bodies against a JSON Schema (draft 2020-12) from the classpath and reports each failing
 * field as a JSON pointer with a reason. The validator's messages describe the rule, never the submitted value.
 */
public final class SchemaValidator {
  private static final String BASE_URI = "https://webhook-inbox.local/schemas/";
  // Messages of combinator keywords that only say "a child failed": the child's own error is reported instead.
  private static final Set<String> STRUCTURAL = Set.of("properties", "$ref", "items", "prefixItems", "allOf",
    "anyOf", "oneOf", "additionalProperties", "patternProperties", "dependentSchemas", "then", "else");

  private final Validator validator;
  private final FastSchema fast;
  private final JsonObject schema;

  private SchemaValidator(Validator validator, JsonObject schema) {
    this.validator = validator;
    this.fast = FastSchema.of(schema);
    this.schema = schema;
  }

  /** What the compiled checks alone say of {@code instance} (for the test holding them to the full validator). */
  FastSchema.Verdict compiledVerdict(Object instance) {
    return fast.check(instance);
  }

  /** Whether the full validator accepts {@code instance}; a body it cannot judge (it throws) is not accepted. */
  boolean validByTheValidatorOfRecord(Object instance) {
    try {
      return Boolean.TRUE.equals(validator.validate(instance).getValid());
    } catch (RuntimeException cannotJudge) {
      return false;
    }
  }

  /** Loads a schema from the classpath. Blocking: call it while building the verticle, not on an event loop. */
  public static SchemaValidator fromResource(String resource) {
    try (InputStream in = SchemaValidator.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Schema " + resource + " not on the classpath");
      }
      JsonObject schema = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      JsonSchemaOptions options = new JsonSchemaOptions()
        .setDraft(Draft.DRAFT202012)
        .setBaseUri(BASE_URI)
        .setOutputFormat(OutputFormat.Basic);
      return new SchemaValidator(Validator.create(JsonSchema.of(schema.copy()), options), schema);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Throws a 400 {@link ApiError} naming every failing field. A body the compiled checks find certainly valid (the
   * common case) is not run through the full validator.
   */
  public void validate(Object instance) {
    if (fast.check(instance) == FastSchema.Verdict.YES) {
      return;
    }
    OutputUnit result;
    try {
      result = validator.validate(instance);
    } catch (RuntimeException cannotJudge) {
      // vertx-json-schema throws on some invalid values (an empty string where an email is due): the compiled
      // checks name what certainly fails instead.
      List<FieldError> certain = fast.explain(instance);
      throw new ApiError(ErrorCode.VALIDATION_FAILED, "Request body failed schema validation",
        certain.isEmpty() ? List.of(new FieldError("", "does not match the schema")) : certain);
    }
    if (Boolean.TRUE.equals(result.getValid())) {
      return;
    }
    List<FieldError> details = details(result, instance);
    throw new ApiError(ErrorCode.VALIDATION_FAILED, "Request body failed schema validation", details);
  }

  private List<FieldError> details(OutputUnit result, Object root) {
    Set<FieldError> details = new LinkedHashSet<>();
    List<OutputUnit> errors = result.getErrors() == null ? List.of(result) : result.getErrors();
    for (OutputUnit error : errors) {
      String keyword = lastSegment(error.getKeywordLocation());
      if (STRUCTURAL.contains(keyword)) {
        continue;
      }
      String pointer = pointer(error.getInstanceLocation());
      Object rule = keywordValue(error.getAbsoluteKeywordLocation());
      if ("required".equals(keyword) && rule instanceof JsonArray required) {
        // The missing names come from the schema's list and the instance, not from the validator's message.
        Object instance = at(root, pointer);
        for (Object name : required) {
          if (instance instanceof JsonObject object && !object.containsKey((String) name)) {
            details.add(new FieldError(pointer + "/" + JsonBodies.escape((String) name), "is required"));
          }
        }
      } else {
        details.add(new FieldError(pointer, reason(keyword, rule)));
      }
    }
    if (details.isEmpty()) {
      details.add(new FieldError("", "does not match the schema"));
    }
    return new ArrayList<>(details);
  }

  /**
   * A reason phrased from the rule itself (the schema's value for the keyword). The validator's own messages can
   * quote the value sent (minimum, maximum, multipleOf, const…), and bodies carry personal data, so they are never
   * used: a keyword without a phrase here is named as it is.
   */
  static String reason(String keyword, Object rule) {
    if (rule == null) {
      return "does not satisfy the schema's " + keyword + " rule";
    }
    return switch (keyword) {
      case "pattern" -> "must match the pattern " + rule;
      case "enum" -> "must be one of " + rule;
      case "const" -> "must be " + Json.encode(rule);
      case "type" -> "must be of type " + rule;
      case "minLength" -> "must be at least " + rule + " characters long";
      case "maxLength" -> "must be at most " + rule + " characters long";
      case "maxItems" -> "must have at most " + rule + " items";
      case "minItems" -> "must have at least " + rule + " items";
      case "uniqueItems" -> "must not contain duplicate items";
      case "minProperties" -> "must have at least " + rule + " properties";
      case "maxProperties" -> "must have at most " + rule + " properties";
      case "minimum" -> "must be at least " + rule;
      case "maximum" -> "must be at most " + rule;
      case "exclusiveMinimum" -> "must be greater than " + rule;
      case "exclusiveMaximum" -> "must be less than " + rule;
      case "multipleOf" -> "must be a multiple of " + rule;
      case "format" -> "must be a valid " + ("date-time".equals(rule) ? "RFC 3339 date-time" : rule);
      case "additionalProperties", "unevaluatedProperties" -> "is not an allowed property";
      case "false" -> "is not allowed";
      default -> "does not satisfy the schema's " + keyword + " rule";
    };
  }

  /** The node of {@code root} at a JSON pointer, or null. */
  private static Object at(Object root, String pointer) {
    Object node = root;
    for (String raw : pointer.split("/")) {
      if (raw.isEmpty()) {
        continue;
      }
      node = child(node, raw.replace("~1", "/").replace("~0", "~"));
    }
    return node;
  }

  private static Object child(Object node, String segment) {
    if (node instanceof JsonObject object) {
      return object.getValue(segment);
    }
    if (node instanceof JsonArray array && segment.matches("\\d{1,9}") && Integer.parseInt(segment) < array.size()) {
      return array.getValue(Integer.parseInt(segment));
    }
    return null;
  }

  /** The value at an absolute keyword location such as {@code https://…/x.json#/$defs/order/properties/id/pattern}. */
  private Object keywordValue(String absoluteLocation) {
    if (absoluteLocation == null || !absoluteLocation.contains("#")) {
      return null;
    }
    Object node = schema;
    for (String raw : absoluteLocation.substring(absoluteLocation.indexOf('#') + 1).split("/")) {
      if (raw.isEmpty()) {
        continue;
      }
      node = child(node, raw.replace("~1", "/").replace("~0", "~"));
      if (node == null) {
        return null;
      }
    }
    return node;
  }

  private static String pointer(String instanceLocation) {
    if (instanceLocation == null || instanceLocation.equals("#")) {
      return "";
    }
    return instanceLocation.startsWith("#") ? instanceLocation.substring(1) : instanceLocation;
  }

  private static String lastSegment(String keywordLocation) {
    if (keywordLocation == null) {
      return "";
    }
    int slash = keywordLocation.lastIndexOf('/');
    return slash < 0 ? keywordLocation : keywordLocation.substring(slash + 1);
  }
}
