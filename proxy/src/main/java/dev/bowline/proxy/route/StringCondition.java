package dev.bowline.proxy.route;

import com.google.re2j.Pattern;

/**
 * A compiled Envoy {@code StringMatcher} (or the legacy header forms): exact, prefix, suffix,
 * contains (each optionally ignoring ASCII case), RE2 regex (which must match the whole value), or
 * any value. Matches a region of a string without allocating, except for a regex on a region.
 */
final class StringCondition {

  enum Kind {
    EXACT,
    PREFIX,
    SUFFIX,
    CONTAINS,
    REGEX,
    ANY
  }

  private final Kind kind;
  private final String value;
  private final boolean ignoreCase;
  private final Pattern regex;

  private StringCondition(Kind kind, String value, boolean ignoreCase, Pattern regex) {
    this.kind = kind;
    this.value = value;
    this.ignoreCase = ignoreCase;
    this.regex = regex;
  }

  static StringCondition of(Kind kind, String value, boolean ignoreCase) {
    if (kind == Kind.REGEX) {
      throw new IllegalArgumentException("use regex()");
    }
    return new StringCondition(kind, value, ignoreCase, null);
  }

  static StringCondition regex(Pattern pattern) {
    return new StringCondition(Kind.REGEX, pattern.pattern(), false, pattern);
  }

  static StringCondition any() {
    return new StringCondition(Kind.ANY, "", false, null);
  }

  boolean matches(String s) {
    return matches(s, 0, s.length());
  }

  /** Whether {@code s[from, to)} matches. */
  boolean matches(String s, int from, int to) {
    int length = to - from;
    int n = value.length();
    switch (kind) {
      case EXACT:
        return length == n && regionEquals(s, from, n);
      case PREFIX:
        return length >= n && regionEquals(s, from, n);
      case SUFFIX:
        return length >= n && regionEquals(s, to - n, n);
      case CONTAINS:
        if (ignoreCase) {
          return Ascii.indexOfIgnoreCase(s, from, to, value) >= 0;
        }
        int at = s.indexOf(value, from);
        return at >= 0 && at + n <= to;
      case REGEX:
        return regex.matches(from == 0 && to == s.length() ? s : s.substring(from, to));
      case ANY:
      default:
        return true;
    }
  }

  private boolean regionEquals(String s, int from, int n) {
    return ignoreCase
        ? Ascii.regionEqualsIgnoreCase(s, from, value, 0, n)
        : s.regionMatches(from, value, 0, n);
  }

  @Override
  public String toString() {
    return kind + (ignoreCase ? "(ignore case) " : " ") + value;
  }
}
