package io.webhookinbox.api;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Validates request bodies against a JSON Schema (draft 2020-12) from the classpath and reports each failing
 * field as a JSON pointer with a reason. The validator's messages describe the rule, never the submitted value.
 */
public final class SchemaValidator {
  private static final String BASE_URI = "https://webhook-inbox.local/schemas/";
  private static final Pattern REQUIRED = Pattern.compile("required property \"(.+)\"");
  // Messages of combinator keywords that only say "a child failed": the child's own error is reported instead.
  private static final Set<String> STRUCTURAL = Set.of("properties", "$ref", "items", "prefixItems", "allOf",
    "anyOf", "oneOf", "additionalProperties", "patternProperties", "dependentSchemas", "then", "else");

  private final Validator validator;
  private final JsonObject schema;

  private SchemaValidator(Validator validator, JsonObject schema) {
    this.validator = validator;
    this.schema = schema;
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

  /** Throws a 400 {@link ApiError} naming every failing field. */
  public void validate(Object instance) {
    OutputUnit result = validator.validate(instance);
    if (Boolean.TRUE.equals(result.getValid())) {
      return;
    }
    List<FieldError> details = details(result);
    throw new ApiError(ErrorCode.VALIDATION_FAILED, "Request body failed schema validation", details);
  }

  private List<FieldError> details(OutputUnit result) {
    Set<FieldError> details = new LinkedHashSet<>();
    List<OutputUnit> errors = result.getErrors() == null ? List.of(result) : result.getErrors();
    for (OutputUnit error : errors) {
      String keyword = lastSegment(error.getKeywordLocation());
      if (STRUCTURAL.contains(keyword)) {
        continue;
      }
      String pointer = pointer(error.getInstanceLocation());
      String message = error.getError() == null ? "is invalid" : error.getError();
      Matcher required = REQUIRED.matcher(message);
      if ("required".equals(keyword) && required.find()) {
        details.add(new FieldError(pointer + "/" + JsonBodies.escape(required.group(1)), "is required"));
      } else {
        details.add(new FieldError(pointer, reason(keyword, keywordValue(error.getAbsoluteKeywordLocation()), message)));
      }
    }
    if (details.isEmpty()) {
      details.add(new FieldError("", "does not match the schema"));
    }
    return new ArrayList<>(details);
  }

  /** A reason phrased from the rule itself (the schema's value for the keyword), else the validator's message. */
  private static String reason(String keyword, Object rule, String fallback) {
    if (rule == null) {
      return fallback;
    }
    return switch (keyword) {
      case "pattern" -> "must match the pattern " + rule;
      case "enum" -> "must be one of " + rule;
      case "type" -> "must be of type " + rule;
      case "minLength" -> "must be at least " + rule + " characters long";
      case "maxLength" -> "must be at most " + rule + " characters long";
      case "maxItems" -> "must have at most " + rule + " items";
      case "minItems" -> "must have at least " + rule + " items";
      case "format" -> "must be a valid " + ("date-time".equals(rule) ? "RFC 3339 date-time" : rule);
      default -> fallback;
    };
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
      String segment = raw.replace("~1", "/").replace("~0", "~");
      if (node instanceof JsonObject object) {
        node = object.getValue(segment);
      } else if (node instanceof JsonArray array && segment.matches("\\d+")) {
        node = array.getValue(Integer.parseInt(segment));
      } else {
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
