package io.webhookinbox.api;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;

/** RFC 3339 date-times with any offset ({@code Z}, {@code z}, {@code +05:30}, {@code -00:00}). */
public final class Rfc3339 {
  private static final DateTimeFormatter FORMAT = new DateTimeFormatterBuilder()
    .parseCaseInsensitive()
    .append(DateTimeFormatter.ISO_LOCAL_DATE)
    .appendLiteral('T')
    .append(DateTimeFormatter.ISO_LOCAL_TIME)
    .appendOffset("+HH:MM", "Z")
    .toFormatter();

  private Rfc3339() {
  }

  /** Parses {@code value}; a 400 naming {@code pointer} when it is not a date-time Java can represent. */
  public static OffsetDateTime parse(String value, String pointer) {
    try {
      return OffsetDateTime.parse(value, FORMAT);
    } catch (DateTimeParseException e) {
      throw ApiError.field(ErrorCode.VALIDATION_FAILED, pointer, "must be an RFC 3339 date-time");
    }
  }

  /** Like {@link #parse} but null stays null. */
  public static OffsetDateTime parseOptional(String value, String pointer) {
    return value == null ? null : parse(value, pointer);
  }

  /** The instant as RFC 3339 text in UTC, as every answer gives times; null stays null. */
  public static String utc(OffsetDateTime value) {
    return value == null ? null : value.withOffsetSameInstant(ZoneOffset.UTC).toString();
  }
}
