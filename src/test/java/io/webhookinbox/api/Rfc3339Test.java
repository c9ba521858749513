package io.webhookinbox.api;

import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The digit-by-digit reading of the common shape never disagrees with the general formatter. */
class Rfc3339Test {
  private static final List<String> CORPUS = List.of("2026-11-20T10:00:00Z", "2026-11-20t10:00:00z",
    "2026-11-20T10:00:00+05:30", "2026-11-20T10:00:00-00:00", "2026-11-20T10:00:00.1Z",
    "2026-11-20T10:00:00.123456789-03:00", "2026-11-20T10:00:00.1234567890Z", "2026-11-20T10:00:00.Z",
    "2026-11-20T10:00Z", "2026-11-20T24:00:00Z", "2026-11-20T23:60:00Z", "2026-11-20T23:59:60Z",
    "2024-02-29T10:00:00Z", "2023-02-29T10:00:00Z", "2026-04-31T10:00:00Z", "2026-00-10T10:00:00Z",
    "2026-11-00T10:00:00Z", "0000-01-01T00:00:00Z", "2026-11-20T10:00:00+18:00", "2026-11-20T10:00:00+17:59",
    "2026-11-20T10:00:00+05:60", "2026-11-20T10:00:00+0530", "2026-11-20T10:00:00+05:30:00", "2026-11-20T10:00:00",
    "2026-11-20 10:00:00Z", "2026-11-20T10:00:00Zx", "+2026-11-20T10:00:00Z", "\u0662\u0660\u0662\u0666-11-20T10:00:00Z",
    "2026-1-20T10:00:00Z", "2026-11-20T1:00:00Z", "", "x", "2026-11-20");

  @Test
  void theCommonShapeReadsAsTheFormatterReadsIt() {
    List<String> texts = new ArrayList<>(CORPUS);
    Random random = new Random(3339);
    String[] offsets = {"Z", "z", "+00:00", "-00:00", "+05:30", "-03:00", "+14:00", "-12:45", "+17:59"};
    for (int i = 0; i < 20_000; i++) {
      String fraction = switch (random.nextInt(4)) {
        case 0 -> "";
        case 1 -> "." + random.nextInt(10);
        case 2 -> String.format(".%03d", random.nextInt(1000));
        default -> "." + String.format("%09d", random.nextInt(1_000_000_000)).substring(0, 1 + random.nextInt(9));
      };
      texts.add(String.format("%04d-%02d-%02d%s%02d:%02d:%02d%s%s", random.nextInt(10_000), random.nextInt(14),
        random.nextInt(33), random.nextBoolean() ? "T" : "t", random.nextInt(25), random.nextInt(61),
        random.nextInt(61), fraction, offsets[random.nextInt(offsets.length)]));
    }
    int common = 0;
    for (String text : texts) {
      OffsetDateTime fast = Rfc3339.parseCommon(text);
      OffsetDateTime general = general(text);
      if (fast != null) {
        common++;
        assertThat(fast).as(text).isEqualTo(general);
      }
      if (general == null) {
        assertThatThrownBy(() -> Rfc3339.parse(text, "/at")).as(text).isInstanceOf(ApiError.class);
      } else {
        assertThat(Rfc3339.parse(text, "/at")).as(text).isEqualTo(general);
      }
    }
    // The generated texts are mostly valid: the fast reading must take those, not leave them all to the formatter.
    assertThat(common).isGreaterThan(texts.size() / 2);
    assertThat(Rfc3339.parseCommon("2026-11-20T10:00:00.123456789-03:00")).isNotNull();
  }

  @Test
  void datesAreValidExactlyWhenTheCalendarHasThem() {
    assertThat(Rfc3339.isDate("2024-02-29")).isTrue();
    assertThat(Rfc3339.isDate("2023-02-29")).isFalse();
    assertThat(Rfc3339.isDate("2026-13-01")).isFalse();
    assertThat(Rfc3339.isDate("2026-12-31")).isTrue();
    assertThat(Rfc3339.isDate("2026-12-32")).isFalse();
    assertThat(Rfc3339.isDate("2026-1-01")).isFalse();
  }

  private static OffsetDateTime general(String text) {
    try {
      return OffsetDateTime.parse(text, Rfc3339.FORMAT);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
