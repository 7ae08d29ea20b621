package dev.bowline.kernel.pilot.config;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.bowline.kernel.pilot.istio.StringMatch;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks an Istio {@code StringMatch}: exactly one of {@code exact}, {@code prefix} or {@code
 * regex}; a non-empty prefix; a regex that compiles as RE2 (the syntax Envoy and Istio use) and
 * is at most 1024 characters. Stateless.
 */
final class StringMatchValidator {

  static final int MAX_REGEX_LENGTH = 1024;

  private StringMatchValidator() {}

  /**
   * Checks {@code match} at {@code path}.
   *
   * @param emptyMeansPresent whether {@code {}} is allowed (a header match meaning "present")
   */
  static void check(StringMatch match, String path, boolean emptyMeansPresent, Validation v) {
    List<String> set = new ArrayList<>();
    if (match.exact() != null) {
      set.add("exact");
    }
    if (match.prefix() != null) {
      set.add("prefix");
    }
    if (match.regex() != null) {
      set.add("regex");
    }
    if (set.isEmpty() && !emptyMeansPresent) {
      v.error(path, "one of exact, prefix or regex is required");
    }
    if (set.size() > 1) {
      v.error(path, "only one of exact, prefix or regex may be set, found " + String.join(" and ", set));
    }
    if (match.prefix() != null && match.prefix().isEmpty()) {
      v.error(FieldPaths.field(path, "prefix"), "must not be empty");
    }
    if (match.regex() != null) {
      checkRegex(match.regex(), FieldPaths.field(path, "regex"), v);
    }
  }

  /** Checks that {@code regex} is a non-empty RE2 expression of at most 1024 characters. */
  static void checkRegex(String regex, String path, Validation v) {
    if (regex.isEmpty()) {
      v.error(path, "must not be empty");
      return;
    }
    if (regex.length() > MAX_REGEX_LENGTH) {
      v.error(path, "regex is longer than " + MAX_REGEX_LENGTH + " characters");
      return;
    }
    try {
      Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      v.error(path, "not a valid RE2 regular expression: " + e.getDescription()
          + " (see https://github.com/google/re2/wiki/Syntax)");
    }
  }
}
