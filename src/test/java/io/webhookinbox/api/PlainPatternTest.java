package io.webhookinbox.api;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The schema checks' shortcuts past the regex engine only ever say yes where the regex does: over every short text
 * of an alphabet mixing allowed and refused characters (line breaks, '@', dots, letters outside ASCII) and the
 * borderline long ones, for each pattern shape the schemas use and for the address format.
 */
class PlainPatternTest {
  private static final String ALPHABET = "aZ9_.:-@\n é";
  private static final List<String> TEXTS = texts(ALPHABET, 4);

  @Test
  void theSchemasPlainPatternsAreRecognisedAndOthersAreLeftToTheRegex() {
    for (String pattern : List.of("^[A-Za-z0-9._:-]+$", "^[A-Za-z0-9._-]+$", "^[a-z0-9_.]+$",
      "^evt_[A-Za-z0-9_]{1,250}$", "^pi_[A-Za-z0-9_]{1,250}$", "^[a-z]{3}$")) {
      assertThat(PlainPattern.of(pattern)).as(pattern).isPresent();
    }
    for (String pattern : List.of("^payment_intent\\.", "^[^a-z]+$", "^[a-z&&[^x]]+$", "^[a-z]+", "[a-z]+$",
      "^[\\w]+$", "^[z-a]+$", "^[a-z]{2,}$", "^(ab)+$")) {
      assertThat(PlainPattern.of(pattern)).as(pattern).isEmpty();
    }
  }

  @Test
  void aPlainPatternSaysYesOnlyWhereTheRegexFindsAMatch() {
    List<String> texts = new ArrayList<>(TEXTS);
    for (String prefix : List.of("", "evt_", "pi_")) {
      texts.add(prefix + "a".repeat(250));
      texts.add(prefix + "a".repeat(251));
      texts.add(prefix + "a".repeat(249) + "\n");
    }
    for (String pattern : List.of("^[A-Za-z0-9._:-]+$", "^[a-z0-9_.]+$", "^evt_[A-Za-z0-9_]{1,250}$",
      "^[a-z]{3}$", "^[+-.]+$", "^[-a]+$")) {
      PlainPattern plain = PlainPattern.of(pattern).orElseThrow();
      Pattern regex = Pattern.compile(pattern);
      int shortcuts = 0;
      for (String text : texts) {
        if (plain.certainlyMatches(text)) {
          shortcuts++;
          assertThat(regex.matcher(text).find()).as("%s on %s", pattern, text).isTrue();
        }
      }
      assertThat(shortcuts).as("texts %s takes without the regex", pattern).isPositive();
    }
    // A text the regex engine accepts before a final line break is not taken by the shortcut, only by the regex.
    assertThat(PlainPattern.of("^[a-z]+$").orElseThrow().certainlyMatches("abc\n")).isFalse();
  }

  @Test
  void thePlainAddressCheckSaysYesOnlyWhereTheAddressRegexMatches() {
    List<String> texts = new ArrayList<>(texts("a-.@_%+Z9", 5));
    for (String local : List.of("jane.doe", "j+tag", "x_y%z", ".a", "a.", "ü")) {
      for (String domain : List.of("example.com", "ex-ample.co.uk", "-a.com", "a-.com", "a..com", "a.com.", "a",
        "x".repeat(63) + ".com", "x".repeat(64) + ".com", "ünï.com", "a@b.com", "A1.B2")) {
        texts.add(local + "@" + domain);
      }
    }
    int shortcuts = 0;
    for (String text : texts) {
      if (FastSchema.plainAddress(text)) {
        shortcuts++;
        assertThat(FastSchema.EMAIL.matcher(text).matches()).as(text).isTrue();
      }
    }
    assertThat(shortcuts).isPositive();
    assertThat(FastSchema.plainAddress("jane.doe@example.com")).isTrue();
  }

  /** Every text of at most {@code length} characters of {@code alphabet}. */
  private static List<String> texts(String alphabet, int length) {
    List<String> texts = new ArrayList<>(List.of(""));
    List<String> previous = List.of("");
    for (int n = 1; n <= length; n++) {
      List<String> next = new ArrayList<>();
      for (String text : previous) {
        for (char c : alphabet.toCharArray()) {
          next.add(text + c);
        }
      }
      texts.addAll(next);
      previous = next;
    }
    return texts;
  }
}
