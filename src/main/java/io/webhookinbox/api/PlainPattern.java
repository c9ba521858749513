package io.webhookinbox.api;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A schema pattern of the plain shape {@code ^prefix[class]+$} or {@code ^prefix[class]{m,n}$} (identifiers,
 * currencies), checked without the regex engine: a text that is the prefix followed only by characters of the class,
 * as many as the quantifier allows, certainly matches. It says nothing of other texts; the regex decides those, so the
 * two never disagree.
 */
final class PlainPattern {
  /** The shapes recognised: ^, a literal prefix of word characters, one class of plain characters, + or a count, $. */
  private static final Pattern SHAPE = Pattern.compile("\\^(\\w*)" + "\\[([^\\]\\\\\\[^][^\\]\\\\\\[]*)\\]"
    + "(?:(\\+)|\\{(\\d+)(?:,(\\d+))?\\})" + "\\$");

  private final String prefix;
  private final boolean[] allowed;
  private final int min;
  private final int max;

  private PlainPattern(String prefix, boolean[] allowed, int min, int max) {
    this.prefix = prefix;
    this.allowed = allowed;
    this.min = min;
    this.max = max;
  }

  /** The plain form of {@code pattern}, or empty when it has another shape (or characters outside ASCII). */
  static Optional<PlainPattern> of(String pattern) {
    Matcher shape = SHAPE.matcher(pattern);
    // '&&' would make the class an intersection.
    if (!shape.matches() || !pattern.chars().allMatch(c -> c > ' ' && c < 127 && c != '&')) {
      return Optional.empty();
    }
    boolean[] allowed = allowed(shape.group(2));
    if (allowed == null) {
      return Optional.empty();
    }
    int min = shape.group(3) != null ? 1 : Integer.parseInt(shape.group(4));
    int max = shape.group(3) != null ? Integer.MAX_VALUE
      : shape.group(5) != null ? Integer.parseInt(shape.group(5)) : min;
    return Optional.of(new PlainPattern(shape.group(1), allowed, min, max));
  }

  /** The ASCII characters a class of single characters and ranges admits; null for a range written backwards. */
  private static boolean[] allowed(String characterClass) {
    boolean[] allowed = new boolean[128];
    for (int i = 0; i < characterClass.length(); i++) {
      char first = characterClass.charAt(i);
      boolean range = i + 2 < characterClass.length() && characterClass.charAt(i + 1) == '-';
      char last = range ? characterClass.charAt(i + 2) : first;
      if (last < first) {
        return null;
      }
      for (char c = first; c <= last; c++) {
        allowed[c] = true;
      }
      i += range ? 2 : 0;
    }
    return allowed;
  }

  /** True only when the pattern certainly matches {@code text}; false says nothing. */
  boolean certainlyMatches(String text) {
    int count = text.length() - prefix.length();
    if (count < min || count > max || !text.startsWith(prefix)) {
      return false;
    }
    for (int i = prefix.length(); i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= allowed.length || !allowed[c]) {
        return false;
      }
    }
    return true;
  }
}
