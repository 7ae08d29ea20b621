package dev.bowline.proxy.route;

import com.google.re2j.Pattern;

/**
 * A compiled {@code RouteMatch} path specifier, matched against the path without its query string
 * or fragment, as Envoy does.
 */
interface PathMatcher {

  /**
   * Whether the path part of {@code path}, {@code path[0, pathEnd)}, matches.
   *
   * @param pathEnd see {@link #pathEnd}
   */
  boolean matches(String path, int pathEnd);

  /**
   * How many leading characters of a matched path {@code prefix_rewrite} replaces: the prefix for
   * prefix matchers, the whole path part for exact and regex matchers.
   */
  int matchedLength(int pathEnd);

  /** The index where the path part of {@code path} ends: its first {@code ?} or {@code #}. */
  static int pathEnd(String path) {
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '?' || c == '#') {
        return i;
      }
    }
    return path.length();
  }

  private static boolean startsWith(String path, String prefix, boolean ignoreCase) {
    return ignoreCase
        ? Ascii.regionEqualsIgnoreCase(path, 0, prefix, 0, prefix.length())
        : path.regionMatches(0, prefix, 0, prefix.length());
  }

  /** {@code prefix}: the path starts with the prefix. */
  final class Prefix implements PathMatcher {
    private final String prefix;
    private final boolean ignoreCase;

    Prefix(String prefix, boolean ignoreCase) {
      this.prefix = prefix;
      this.ignoreCase = ignoreCase;
    }

    @Override
    public boolean matches(String path, int pathEnd) {
      return pathEnd >= prefix.length() && startsWith(path, prefix, ignoreCase);
    }

    @Override
    public int matchedLength(int pathEnd) {
      return prefix.length();
    }

    @Override
    public String toString() {
      return "prefix " + prefix;
    }
  }

  /** {@code path}: the path equals the value. */
  final class Exact implements PathMatcher {
    private final String value;
    private final boolean ignoreCase;

    Exact(String value, boolean ignoreCase) {
      this.value = value;
      this.ignoreCase = ignoreCase;
    }

    @Override
    public boolean matches(String path, int pathEnd) {
      return pathEnd == value.length() && startsWith(path, value, ignoreCase);
    }

    @Override
    public int matchedLength(int pathEnd) {
      return pathEnd;
    }

    @Override
    public String toString() {
      return "path " + value;
    }
  }

  /**
   * {@code path_separated_prefix}: the path equals the prefix or continues it with {@code /}; so
   * {@code /api} matches {@code /api} and {@code /api/x} but not {@code /apix}.
   */
  final class SeparatedPrefix implements PathMatcher {
    private final String prefix;
    private final boolean ignoreCase;

    SeparatedPrefix(String prefix, boolean ignoreCase) {
      this.prefix = prefix;
      this.ignoreCase = ignoreCase;
    }

    @Override
    public boolean matches(String path, int pathEnd) {
      int n = prefix.length();
      return pathEnd >= n
          && (pathEnd == n || path.charAt(n) == '/')
          && startsWith(path, prefix, ignoreCase);
    }

    @Override
    public int matchedLength(int pathEnd) {
      return prefix.length();
    }

    @Override
    public String toString() {
      return "path_separated_prefix " + prefix;
    }
  }

  /** {@code safe_regex}: the RE2 regex matches the whole path; {@code case_sensitive} is ignored. */
  final class Regex implements PathMatcher {
    private final Pattern pattern;

    Regex(Pattern pattern) {
      this.pattern = pattern;
    }

    @Override
    public boolean matches(String path, int pathEnd) {
      return pattern.matches(pathEnd == path.length() ? path : path.substring(0, pathEnd));
    }

    @Override
    public int matchedLength(int pathEnd) {
      return pathEnd;
    }

    @Override
    public String toString() {
      return "safe_regex " + pattern.pattern();
    }
  }
}
