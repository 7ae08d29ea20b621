package dev.bowline.proxy.filter.cors;

import dev.bowline.proxy.config.BuiltinFilterFields;
import dev.bowline.proxy.config.Problems;
import dev.bowline.proxy.filter.Percentage;
import dev.bowline.proxy.route.RouteConfigParts;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Compiles a route's {@code typed_per_filter_config["envoy.filters.http.cors"]}, an Envoy {@code
 * CorsPolicy}: {@code allow_origin_string_match} (the route's string matchers), {@code
 * allow_methods}, {@code allow_headers}, {@code expose_headers}, {@code max_age}, {@code
 * allow_credentials}, {@code filter_enabled} (its {@code default_value}; absent: every request) and
 * {@code forward_not_matching_preflights} (default true). Any other field is refused, naming it
 * ({@link BuiltinFilterFields}). Stateless.
 */
public final class CorsConfigCompiler {

  private CorsConfigCompiler() {}

  /** The compiled policy, or null after reporting problems under {@code path}. */
  public static CorsConfig compile(CorsPolicy policy, String path, Problems problems) {
    int before = problems.size();
    BuiltinFilterFields.check(policy, path, problems);
    List<Predicate<String>> origins = new ArrayList<>();
    String originsPath = Problems.join(path, "allow_origin_string_match");
    for (int i = 0; i < policy.getAllowOriginStringMatchCount(); i++) {
      Predicate<String> origin =
          RouteConfigParts.string(
              policy.getAllowOriginStringMatch(i), Problems.index(originsPath, i), problems);
      if (origin != null) {
        origins.add(origin);
      }
    }
    Percentage enabled =
        Percentage.ofRuntime(
            policy.hasFilterEnabled(),
            policy.getFilterEnabled(),
            Percentage.ALWAYS,
            Problems.join(path, "filter_enabled"),
            problems);
    if (problems.size() > before || enabled == null) {
      return null;
    }
    return new CorsConfig(
        origins,
        policy.getAllowMethods(),
        policy.getAllowHeaders(),
        policy.getExposeHeaders(),
        policy.getMaxAge(),
        policy.getAllowCredentials().getValue(),
        enabled,
        !policy.hasForwardNotMatchingPreflights()
            || policy.getForwardNotMatchingPreflights().getValue());
  }
}
