package dev.bowline.proxy.route;

/**
 * A route's path rewrite, as Envoy applies it: {@code prefix_rewrite} replaces the matched part (the
 * prefix for prefix matchers, the whole path for exact and regex matchers); {@code regex_rewrite}
 * replaces every match in the path; either way the query string is kept.
 */
final class PathRewrite {

  static final PathRewrite NONE = new PathRewrite(null, null, null);

  private final String prefix;
  private final PathMatcher matcher;
  private final RegexSubstitution regex;

  private PathRewrite(String prefix, PathMatcher matcher, RegexSubstitution regex) {
    this.prefix = prefix;
    this.matcher = matcher;
    this.regex = regex;
  }

  /** {@code prefix_rewrite}: replaces what {@code matcher} matched with {@code replacement}. */
  static PathRewrite prefix(String replacement, PathMatcher matcher) {
    return new PathRewrite(replacement, matcher, null);
  }

  /** {@code regex_rewrite}. */
  static PathRewrite regex(RegexSubstitution substitution) {
    return new PathRewrite(null, null, substitution);
  }

  boolean isNone() {
    return this == NONE;
  }

  /** The rewritten {@code path} (with its query); {@code path} itself when nothing changes. */
  String apply(String path) {
    if (this == NONE) {
      return path;
    }
    int pathEnd = PathMatcher.pathEnd(path);
    if (prefix != null) {
      int matched = matcher.matchedLength(pathEnd);
      if (matched > pathEnd) {
        return path;
      }
      return new StringBuilder(prefix.length() + path.length() - matched)
          .append(prefix)
          .append(path, matched, path.length())
          .toString();
    }
    if (pathEnd == path.length()) {
      return regex.replaceAll(path);
    }
    String rewritten = regex.replaceAll(path.substring(0, pathEnd));
    return rewritten.concat(path.substring(pathEnd));
  }

  @Override
  public String toString() {
    return this == NONE ? "none" : prefix != null ? "prefix_rewrite " + prefix : "regex_rewrite " + regex;
  }
}
