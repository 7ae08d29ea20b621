package dev.bowline.kernel.pilot.translate;

import com.google.protobuf.BoolValue;
import com.google.re2j.PatternSyntaxException;
import dev.bowline.kernel.pilot.istio.StringMatch;
import dev.bowline.kernel.pilot.istio.VirtualService.HttpMatchRequest;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Translates one Istio {@code HTTPMatchRequest} into an Envoy {@code RouteMatch}, its conditions
 * ANDed: {@code uri} to {@code path}, {@code prefix} or {@code safe_regex} ({@code ignoreUriCase}
 * to {@code case_sensitive: false}, or {@code (?i)} for a regex); {@code method}, {@code
 * authority} and {@code scheme} to the pseudo-headers; {@code headers} ({@code {}} or {@code
 * regex: "*"} meaning present) and {@code withoutHeaders} (inverted, a missing header counting as
 * empty); {@code queryParams}. Headers and parameters are
 * sorted by name so that equal inputs give equal output. Stateless.
 */
final class RouteMatches {

  private RouteMatches() {}

  /** {@code prefix: /}: everything. */
  static RouteMatch catchAll() {
    return RouteMatch.newBuilder().setPrefix("/").build();
  }

  /**
   * The Envoy match of {@code m}.
   *
   * @throws IllegalArgumentException a regular expression is not valid RE2; the message says which
   */
  static RouteMatch of(HttpMatchRequest m) {
    RouteMatch.Builder b = RouteMatch.newBuilder();
    StringMatch uri = m.uri();
    if (uri == null || uri.isEmpty()) {
      b.setPrefix("/");
    } else if (uri.exact() != null) {
      b.setPath(uri.exact());
    } else if (uri.prefix() != null) {
      b.setPrefix(uri.prefix());
    } else {
      b.setSafeRegex(regex((m.ignoreUriCase() ? "(?i)" : "") + uri.regex(), "uri.regex"));
    }
    if (m.ignoreUriCase() && uri != null && uri.regex() == null) {
      b.setCaseSensitive(BoolValue.of(false));
    }
    pseudoHeader(b, ":method", m.method(), "method");
    pseudoHeader(b, ":authority", m.authority(), "authority");
    pseudoHeader(b, ":scheme", m.scheme(), "scheme");
    for (Map.Entry<String, StringMatch> h : new TreeMap<>(m.headers()).entrySet()) {
      b.addHeaders(header(h.getKey(), h.getValue(), false, "headers." + h.getKey()));
    }
    for (Map.Entry<String, StringMatch> h : new TreeMap<>(m.withoutHeaders()).entrySet()) {
      b.addHeaders(header(h.getKey(), h.getValue(), true, "withoutHeaders." + h.getKey()));
    }
    for (Map.Entry<String, StringMatch> q : new TreeMap<>(m.queryParams()).entrySet()) {
      b.addQueryParameters(query(q.getKey(), q.getValue(), "queryParams." + q.getKey()));
    }
    return b.build();
  }

  private static void pseudoHeader(RouteMatch.Builder b, String name, StringMatch sm, String field) {
    if (sm != null && !sm.isEmpty()) {
      b.addHeaders(header(name, sm, false, field));
    }
  }

  /** A header condition; an empty match ({@code {}}) or an empty prefix means "present". */
  static HeaderMatcher header(String name, StringMatch sm, boolean invert, String field) {
    HeaderMatcher.Builder h =
        HeaderMatcher.newBuilder().setName(name.toLowerCase(Locale.ROOT)).setInvertMatch(invert);
    if (sm == null || sm.isEmpty() || "".equals(sm.prefix()) || "*".equals(sm.regex())) {
      return h.setPresentMatch(true).build();
    }
    if (invert) {
      // Istio: a request without the header does not have the value, so it passes.
      h.setTreatMissingHeaderAsEmpty(true);
    }
    return h.setStringMatch(string(sm, field)).build();
  }

  /** A query parameter condition; an empty match or an empty {@code exact} means "present". */
  static QueryParameterMatcher query(String name, StringMatch sm, String field) {
    QueryParameterMatcher.Builder q = QueryParameterMatcher.newBuilder().setName(name);
    if (sm == null || sm.isEmpty() || "".equals(sm.exact()) || "".equals(sm.prefix())
        || "*".equals(sm.regex())) {
      return q.setPresentMatch(true).build();
    }
    return q.setStringMatch(string(sm, field)).build();
  }

  private static StringMatcher string(StringMatch sm, String field) {
    if (sm.exact() != null) {
      return StringMatcher.newBuilder().setExact(sm.exact()).build();
    }
    if (sm.prefix() != null) {
      return StringMatcher.newBuilder().setPrefix(sm.prefix()).build();
    }
    return StringMatcher.newBuilder().setSafeRegex(regex(sm.regex(), field + ".regex")).build();
  }

  private static RegexMatcher regex(String regex, String field) {
    try {
      com.google.re2j.Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          field + ": '" + regex + "' is not a valid RE2 regular expression: " + e.getMessage());
    }
    return RegexMatcher.newBuilder().setRegex(regex).build();
  }
}
