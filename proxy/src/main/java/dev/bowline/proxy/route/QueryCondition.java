package dev.bowline.proxy.route;

/**
 * A compiled Envoy {@code QueryParameterMatcher}. As in Envoy's route matching, the query string is
 * not percent-decoded, only the first occurrence of a parameter counts, a parameter without
 * {@code =} has the empty value, and a matcher without a {@code string_match} (a {@code
 * present_match}, true or false) matches when the parameter is present. The query is scanned in
 * place: no allocation.
 */
final class QueryCondition {

  private final String name;
  /** {@code null} for a presence matcher. */
  private final StringCondition value;

  QueryCondition(String name, StringCondition value) {
    this.name = name;
    this.value = value;
  }

  /**
   * Whether the query of {@code path} satisfies the condition.
   *
   * @param pathEnd where the path part of {@code path} ends (its {@code ?} or {@code #}, or its
   *     length)
   */
  boolean matches(String path, int pathEnd) {
    if (pathEnd >= path.length() || path.charAt(pathEnd) != '?') {
      return false;
    }
    int end = path.indexOf('#', pathEnd + 1);
    if (end < 0) {
      end = path.length();
    }
    int start = pathEnd + 1;
    int nameLength = name.length();
    while (start <= end) {
      int ampersand = path.indexOf('&', start);
      if (ampersand < 0 || ampersand > end) {
        ampersand = end;
      }
      int nameEnd = start;
      while (nameEnd < ampersand && path.charAt(nameEnd) != '=') {
        nameEnd++;
      }
      if (nameEnd - start == nameLength && path.regionMatches(start, name, 0, nameLength)) {
        if (value == null) {
          return true;
        }
        int valueStart = nameEnd == ampersand ? ampersand : nameEnd + 1;
        return value.matches(path, valueStart, ampersand);
      }
      start = ampersand + 1;
    }
    return false;
  }

  @Override
  public String toString() {
    return "?" + name + " " + (value == null ? "present" : value.toString());
  }
}
