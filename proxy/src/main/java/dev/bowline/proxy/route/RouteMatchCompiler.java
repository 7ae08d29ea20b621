package dev.bowline.proxy.route;

import dev.bowline.proxy.config.Problems;
import com.google.re2j.Pattern;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import java.util.ArrayList;
import java.util.List;

/** Compiles a {@code RouteMatch} with its header and query parameter matchers. */
final class RouteMatchCompiler {

  private static final FieldAllowlist ROUTE_MATCH =
      FieldAllowlist.of(
          RouteMatch.getDescriptor(),
          "prefix",
          "path",
          "safe_regex",
          "path_separated_prefix",
          "case_sensitive",
          "headers",
          "query_parameters",
          "grpc");
  private static final FieldAllowlist GRPC =
      FieldAllowlist.of(RouteMatch.GrpcRouteMatchOptions.getDescriptor());
  private static final FieldAllowlist HEADER_MATCHER =
      FieldAllowlist.of(
          HeaderMatcher.getDescriptor(),
          "name",
          "exact_match",
          "safe_regex_match",
          "present_match",
          "prefix_match",
          "suffix_match",
          "contains_match",
          "string_match",
          "invert_match",
          "treat_missing_header_as_empty");
  private static final FieldAllowlist QUERY_PARAMETER_MATCHER =
      FieldAllowlist.of(
          QueryParameterMatcher.getDescriptor(), "name", "string_match", "present_match");

  private final Problems problems;
  private final StringMatcherCompiler strings;

  RouteMatchCompiler(Problems problems, StringMatcherCompiler strings) {
    this.problems = problems;
    this.strings = strings;
  }

  /** The matcher, or {@code null} if {@code match} has a problem (reported). */
  RouteMatcher compile(RouteMatch match, String path) {
    int before = problems.size();
    ROUTE_MATCH.check(match, path, problems);
    if (match.hasGrpc()) {
      GRPC.check(match.getGrpc(), Problems.join(path, "grpc"), problems);
    }
    PathMatcher pathMatcher = pathMatcher(match, path);
    List<HeaderCondition> headers = new ArrayList<>();
    String headersPath = Problems.join(path, "headers");
    for (int i = 0; i < match.getHeadersCount(); i++) {
      headers.add(header(match.getHeaders(i), Problems.index(headersPath, i)));
    }
    List<QueryCondition> queryParameters = new ArrayList<>();
    String queryPath = Problems.join(path, "query_parameters");
    for (int i = 0; i < match.getQueryParametersCount(); i++) {
      queryParameters.add(
          queryParameter(match.getQueryParameters(i), Problems.index(queryPath, i)));
    }
    if (problems.size() != before) {
      return null;
    }
    return new RouteMatcher(
        pathMatcher,
        match.hasGrpc(),
        headers.toArray(new HeaderCondition[0]),
        queryParameters.toArray(new QueryCondition[0]));
  }

  private PathMatcher pathMatcher(RouteMatch match, String path) {
    boolean ignoreCase = match.hasCaseSensitive() && !match.getCaseSensitive().getValue();
    switch (match.getPathSpecifierCase()) {
      case PREFIX:
        return new PathMatcher.Prefix(match.getPrefix(), ignoreCase);
      case PATH:
        return new PathMatcher.Exact(match.getPath(), ignoreCase);
      case SAFE_REGEX:
        Pattern pattern = strings.regex(match.getSafeRegex(), Problems.join(path, "safe_regex"));
        return pattern == null ? null : new PathMatcher.Regex(pattern);
      case PATH_SEPARATED_PREFIX:
        String prefix = match.getPathSeparatedPrefix();
        if (prefix.length() < 2
            || prefix.indexOf('?') >= 0
            || prefix.indexOf('#') >= 0
            || prefix.endsWith("/")) {
          problems.add(
              Problems.join(path, "path_separated_prefix"),
              "must have two characters or more, no '?' or '#', and not end with '/'");
          return null;
        }
        return new PathMatcher.SeparatedPrefix(prefix, ignoreCase);
      case PATHSPECIFIER_NOT_SET:
        problems.add(path, "one of prefix, path, safe_regex or path_separated_prefix is required");
        return null;
      default:
        return null; // an unsupported path specifier, already reported
    }
  }

  @SuppressWarnings("deprecation") // Envoy still accepts these deprecated fields; so do we
  HeaderCondition header(HeaderMatcher matcher, String path) {
    HEADER_MATCHER.check(matcher, path, problems);
    String name = Ascii.toLowerCase(matcher.getName());
    if (name.isEmpty()) {
      problems.add(Problems.join(path, "name"), "must not be empty");
    }
    boolean invert = matcher.getInvertMatch();
    boolean missingAsEmpty = matcher.getTreatMissingHeaderAsEmpty();
    StringCondition value;
    switch (matcher.getHeaderMatchSpecifierCase()) {
      case EXACT_MATCH:
        // Envoy's legacy exact_match: an empty value matches any value.
        value =
            matcher.getExactMatch().isEmpty()
                ? StringCondition.any()
                : StringCondition.of(StringCondition.Kind.EXACT, matcher.getExactMatch(), false);
        break;
      case SAFE_REGEX_MATCH:
        Pattern pattern =
            strings.regex(matcher.getSafeRegexMatch(), Problems.join(path, "safe_regex_match"));
        value = pattern == null ? null : StringCondition.regex(pattern);
        break;
      case PREFIX_MATCH:
        value =
            strings.nonEmpty(
                StringCondition.Kind.PREFIX, matcher.getPrefixMatch(), false, path, "prefix_match");
        break;
      case SUFFIX_MATCH:
        value =
            strings.nonEmpty(
                StringCondition.Kind.SUFFIX, matcher.getSuffixMatch(), false, path, "suffix_match");
        break;
      case CONTAINS_MATCH:
        value =
            strings.nonEmpty(
                StringCondition.Kind.CONTAINS,
                matcher.getContainsMatch(),
                false,
                path,
                "contains_match");
        break;
      case STRING_MATCH:
        value = strings.compile(matcher.getStringMatch(), Problems.join(path, "string_match"));
        break;
      case PRESENT_MATCH:
        return HeaderCondition.presence(name, matcher.getPresentMatch(), invert, missingAsEmpty);
      case HEADERMATCHSPECIFIER_NOT_SET:
        // Envoy: no specifier means "the header is present".
        return HeaderCondition.presence(name, true, invert, missingAsEmpty);
      default:
        return null; // an unsupported specifier, already reported
    }
    return value == null ? null : HeaderCondition.value(name, value, invert, missingAsEmpty);
  }

  private QueryCondition queryParameter(QueryParameterMatcher matcher, String path) {
    QUERY_PARAMETER_MATCHER.check(matcher, path, problems);
    String name = matcher.getName();
    if (name.isEmpty()) {
      problems.add(Problems.join(path, "name"), "must not be empty");
    }
    if (matcher.hasStringMatch()) {
      StringCondition value =
          strings.compile(matcher.getStringMatch(), Problems.join(path, "string_match"));
      return value == null ? null : new QueryCondition(name, value);
    }
    // present_match (true or false) or nothing: Envoy matches when the parameter is present.
    return new QueryCondition(name, null);
  }
}
