package dev.bowline.proxy.route;

/**
 * ASCII-only case folding, as Envoy does it (absl's {@code EqualsIgnoreCase} family): host names,
 * paths and header values are compared without Unicode case rules and without allocating.
 */
final class Ascii {

  private Ascii() {}

  static char lower(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
  }

  /** Whether {@code a[aFrom, aFrom+length)} equals {@code b[bFrom, bFrom+length)} ignoring case. */
  static boolean regionEqualsIgnoreCase(String a, int aFrom, String b, int bFrom, int length) {
    for (int i = 0; i < length; i++) {
      char x = a.charAt(aFrom + i);
      char y = b.charAt(bFrom + i);
      if (x != y && lower(x) != lower(y)) {
        return false;
      }
    }
    return true;
  }

  /** The first index in {@code s[from, to)} where {@code needle} starts, ignoring case, or -1. */
  static int indexOfIgnoreCase(String s, int from, int to, String needle) {
    int last = to - needle.length();
    for (int i = from; i <= last; i++) {
      if (regionEqualsIgnoreCase(s, i, needle, 0, needle.length())) {
        return i;
      }
    }
    return -1;
  }

  /** {@code s} in ASCII lower case; returns {@code s} itself when it has no upper-case letter. */
  static String toLowerCase(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        char[] chars = s.toCharArray();
        for (int j = i; j < chars.length; j++) {
          chars[j] = lower(chars[j]);
        }
        return new String(chars);
      }
    }
    return s;
  }
}
