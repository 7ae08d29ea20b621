package dev.bowline.proxy.route;

import dev.bowline.proxy.config.Problems;
import com.google.re2j.Pattern;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute;

/** Compiles {@code prefix_rewrite} and {@code regex_rewrite} into a {@link PathRewrite}. */
final class PathRewriteCompiler {

  private static final FieldAllowlist REGEX_MATCH_AND_SUBSTITUTE =
      FieldAllowlist.of(RegexMatchAndSubstitute.getDescriptor(), "pattern", "substitution");

  private final Problems problems;
  private final StringMatcherCompiler strings;

  PathRewriteCompiler(Problems problems, StringMatcherCompiler strings) {
    this.problems = problems;
    this.strings = strings;
  }

  /**
   * {@code prefix_rewrite} replacing what {@code matcher} matched; Envoy treats an empty one as no
   * rewrite. {@code matcher} is {@code null} when the route's match had a problem.
   */
  PathRewrite prefix(String replacement, PathMatcher matcher) {
    return replacement.isEmpty() || matcher == null
        ? PathRewrite.NONE
        : PathRewrite.prefix(replacement, matcher);
  }

  /** {@code regex_rewrite}, or {@code null} if it has a problem (reported). */
  PathRewrite regex(RegexMatchAndSubstitute rewrite, String path) {
    REGEX_MATCH_AND_SUBSTITUTE.check(rewrite, path, problems);
    if (!rewrite.hasPattern()) {
      problems.add(Problems.join(path, "pattern"), "required");
      return null;
    }
    Pattern pattern = strings.regex(rewrite.getPattern(), Problems.join(path, "pattern"));
    if (pattern == null) {
      return null;
    }
    try {
      return PathRewrite.regex(RegexSubstitution.compile(pattern, rewrite.getSubstitution()));
    } catch (IllegalArgumentException e) {
      problems.add(Problems.join(path, "substitution"), e.getMessage());
      return null;
    }
  }
}
