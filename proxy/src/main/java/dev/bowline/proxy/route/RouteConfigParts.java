package dev.bowline.proxy.route;

import dev.bowline.proxy.config.Problems;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The pieces of a route configuration that HTTP filter configurations reuse, compiled with the
 * route compiler's own rules and field checks: header matchers (the fault filter's {@code
 * headers}), string matchers (CORS origins) and header additions (a rate limit's response
 * headers). Problems are reported under the path given, as for routes.
 *
 * <p>Stateless; the compiled values are immutable and thread-safe.
 */
public final class RouteConfigParts {

  /** A condition on a request. */
  @FunctionalInterface
  public interface RequestCondition {

    /** Every request. */
    RequestCondition ANY = request -> true;

    boolean matches(RequestView request);
  }

  private RouteConfigParts() {}

  /**
   * The condition that every matcher holds (Envoy's {@code HeaderUtility::matchHeaders}), {@link
   * RequestCondition#ANY} for none; null after reporting a problem.
   *
   * @param path the path of the repeated field, such as {@code ...typed_config.headers}
   */
  public static RequestCondition allHeaders(
      List<HeaderMatcher> matchers, String path, Problems problems) {
    if (matchers.isEmpty()) {
      return RequestCondition.ANY;
    }
    int before = problems.size();
    RouteMatchCompiler compiler =
        new RouteMatchCompiler(problems, new StringMatcherCompiler(problems));
    List<HeaderCondition> conditions = new ArrayList<>();
    for (int i = 0; i < matchers.size(); i++) {
      HeaderCondition c = compiler.header(matchers.get(i), Problems.index(path, i));
      if (c != null) {
        conditions.add(c);
      }
    }
    if (problems.size() > before) {
      return null;
    }
    HeaderCondition[] all = conditions.toArray(new HeaderCondition[0]);
    return request -> {
      for (HeaderCondition c : all) {
        if (!c.matches(request)) {
          return false;
        }
      }
      return true;
    };
  }

  /** A {@code StringMatcher} as a predicate, or null after reporting a problem. */
  public static Predicate<String> string(StringMatcher matcher, String path, Problems problems) {
    StringCondition condition = new StringMatcherCompiler(problems).compile(matcher, path);
    return condition == null ? null : condition::matches;
  }

  /**
   * Header additions ({@code HeaderValueOption}s, with the route's format variables and append
   * actions), as {@link HeaderMutations}; null after reporting a problem.
   */
  public static HeaderMutations headersToAdd(
      List<HeaderValueOption> options, String path, Problems problems) {
    int before = problems.size();
    HeaderLevel level = new HeaderMutationCompiler(problems).level(options, List.of(), path, path);
    return problems.size() > before ? null : HeaderMutations.of(List.of(level));
  }
}
