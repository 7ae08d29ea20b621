package dev.bowline.proxy.route;

import dev.bowline.proxy.config.Problems;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;

/** Compiles {@code StringMatcher} and {@code RegexMatcher} messages; regexes with RE2 (re2j). */
final class StringMatcherCompiler {

  private static final FieldAllowlist STRING_MATCHER =
      FieldAllowlist.of(
          StringMatcher.getDescriptor(),
          "exact", "prefix", "suffix", "safe_regex", "contains", "ignore_case");
  private static final FieldAllowlist REGEX_MATCHER =
      FieldAllowlist.of(RegexMatcher.getDescriptor(), "regex", "google_re2");
  private static final FieldAllowlist GOOGLE_RE2 =
      FieldAllowlist.of(RegexMatcher.GoogleRE2.getDescriptor());

  private final Problems problems;

  StringMatcherCompiler(Problems problems) {
    this.problems = problems;
  }

  /** The condition, or {@code null} if {@code matcher} has a problem (reported). */
  StringCondition compile(StringMatcher matcher, String path) {
    STRING_MATCHER.check(matcher, path, problems);
    boolean ignoreCase = matcher.getIgnoreCase();
    switch (matcher.getMatchPatternCase()) {
      case EXACT:
        return StringCondition.of(StringCondition.Kind.EXACT, matcher.getExact(), ignoreCase);
      case PREFIX:
        return nonEmpty(StringCondition.Kind.PREFIX, matcher.getPrefix(), ignoreCase, path, "prefix");
      case SUFFIX:
        return nonEmpty(StringCondition.Kind.SUFFIX, matcher.getSuffix(), ignoreCase, path, "suffix");
      case CONTAINS:
        return nonEmpty(
            StringCondition.Kind.CONTAINS, matcher.getContains(), ignoreCase, path, "contains");
      case SAFE_REGEX:
        if (ignoreCase) {
          problems.add(
              Problems.join(path, "ignore_case"),
              "has no effect with safe_regex: use (?i) in the regex instead");
          return null;
        }
        Pattern pattern = regex(matcher.getSafeRegex(), Problems.join(path, "safe_regex"));
        return pattern == null ? null : StringCondition.regex(pattern);
      case MATCHPATTERN_NOT_SET:
        problems.add(path, "one of exact, prefix, suffix, safe_regex or contains is required");
        return null;
      default:
        return null; // an unsupported kind, already reported
    }
  }

  /** A condition on a non-empty value (Envoy's {@code min_len: 1}). */
  StringCondition nonEmpty(
      StringCondition.Kind kind, String value, boolean ignoreCase, String path, String field) {
    if (value.isEmpty()) {
      problems.add(Problems.join(path, field), "must not be empty");
      return null;
    }
    return StringCondition.of(kind, value, ignoreCase);
  }

  /** The compiled regex, or {@code null} if it is invalid (reported). */
  @SuppressWarnings("deprecation") // Envoy still accepts these deprecated fields; so do we
  Pattern regex(RegexMatcher matcher, String path) {
    REGEX_MATCHER.check(matcher, path, problems);
    if (matcher.hasGoogleRe2()) {
      GOOGLE_RE2.check(matcher.getGoogleRe2(), Problems.join(path, "google_re2"), problems);
    }
    String regexPath = Problems.join(path, "regex");
    if (matcher.getRegex().isEmpty()) {
      problems.add(regexPath, "must not be empty");
      return null;
    }
    try {
      return Pattern.compile(matcher.getRegex());
    } catch (PatternSyntaxException e) {
      problems.add(regexPath, "invalid RE2: " + e.getMessage());
      return null;
    }
  }
}
