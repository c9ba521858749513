package io.webhookinbox.api;

import java.time.Month;
import java.time.OffsetDateTime;
import java.time.Year;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;

/** RFC 3339 date-times with any offset ({@code Z}, {@code z}, {@code +05:30}, {@code -00:00}). */
public final class Rfc3339 {
  /** The general reading: every form RFC 3339 allows that Java can represent. */
  static final DateTimeFormatter FORMAT = new DateTimeFormatterBuilder()
    .parseCaseInsensitive()
    .append(DateTimeFormatter.ISO_LOCAL_DATE)
    .appendLiteral('T')
    .append(DateTimeFormatter.ISO_LOCAL_TIME)
    .appendOffset("+HH:MM", "Z")
    .toFormatter();
  private static final int SHORTEST = "2000-01-01T00:00:00Z".length();

  private Rfc3339() {
  }

  /** Parses {@code value}; a 400 naming {@code pointer} when it is not a date-time Java can represent. */
  public static OffsetDateTime parse(String value, String pointer) {
    OffsetDateTime common = parseCommon(value);
    if (common != null) {
      return common;
    }
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

  /**
   * The shape senders use, {@code YYYY-MM-DDTHH:MM:SS[.1-9 digits](Z|±HH:MM)}, read digit by digit: the general
   * formatter cost more than the rest of a delivery's validation (profiled), and every delivery carries several
   * date-times. Null when the text has another shape or is no valid date-time: then the formatter decides. It
   * gives what the formatter gives whenever it gives anything (Rfc3339Test).
   */
  static OffsetDateTime parseCommon(String text) {
    int length = text.length();
    if (length < SHORTEST || !isDate(text) || (text.charAt(10) | 0x20) != 't' || text.charAt(13) != ':'
      || text.charAt(16) != ':') {
      return null;
    }
    int hour = digits(text, 11, 2);
    int minute = digits(text, 14, 2);
    int second = digits(text, 17, 2);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
      return null;
    }
    int at = 19;
    int nanos = 0;
    if (text.charAt(at) == '.') {
      int first = ++at;
      while (at < length && isDigit(text.charAt(at))) {
        at++;
      }
      int count = at - first;
      if (count == 0 || count > 9) {
        return null;
      }
      nanos = digits(text, first, count);
      for (int i = count; i < 9; i++) {
        nanos *= 10;
      }
    }
    ZoneOffset offset = offset(text, at);
    return offset == null ? null : OffsetDateTime.of(digits(text, 0, 4), digits(text, 5, 2), digits(text, 8, 2),
      hour, minute, second, nanos, offset);
  }

  /** Whether {@code text} starts with a valid {@code YYYY-MM-DD}. */
  static boolean isDate(String text) {
    if (text.length() < 10 || text.charAt(4) != '-' || text.charAt(7) != '-') {
      return false;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 2);
    int day = digits(text, 8, 2);
    return year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= Month.of(month).length(Year.isLeap(year));
  }

  /** {@code Z}, {@code z} or {@code ±HH:MM} ending the text at {@code at}; null for anything else. */
  private static ZoneOffset offset(String text, int at) {
    int left = text.length() - at;
    if (left == 1 && (text.charAt(at) | 0x20) == 'z') {
      return ZoneOffset.UTC;
    }
    char sign = left == 6 ? text.charAt(at) : 0;
    if ((sign != '+' && sign != '-') || text.charAt(at + 3) != ':') {
      return null;
    }
    int hours = digits(text, at + 1, 2);
    int minutes = digits(text, at + 4, 2);
    if (hours < 0 || hours > 17 || minutes < 0 || minutes > 59) {
      return null;
    }
    int seconds = hours * 3600 + minutes * 60;
    return ZoneOffset.ofTotalSeconds(sign == '-' ? -seconds : seconds);
  }

  /** The ASCII digits at from..from+count as a number; -1 when any is not one. */
  private static int digits(String text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = text.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
