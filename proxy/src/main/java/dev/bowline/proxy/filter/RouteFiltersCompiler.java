package dev.bowline.proxy.filter;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.bowline.proxy.config.HttpFilterConfig;
import dev.bowline.proxy.config.Problems;
import dev.bowline.proxy.filter.cors.CorsConfig;
import dev.bowline.proxy.filter.cors.CorsConfigCompiler;
import dev.bowline.proxy.filter.fault.FaultConfig;
import dev.bowline.proxy.filter.fault.FaultConfigCompiler;
import dev.bowline.proxy.filter.ratelimit.LocalRateLimitCompiler;
import dev.bowline.proxy.filter.ratelimit.LocalRateLimiter;
import dev.bowline.proxy.filter.ratelimit.RateLimitPolicy;
import dev.bowline.proxy.route.RouteFilterCompiler;
import dev.bowline.proxy.route.RouteFilterConfig;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compiles a route's settings for the built-in filters into {@link RouteFilters}: {@code
 * typed_per_filter_config} keyed by the filters' canonical names, {@code envoy.filters.http.fault}
 * ({@code HTTPFault}), {@code envoy.filters.http.cors} ({@code CorsPolicy}) and {@code
 * envoy.filters.http.local_ratelimit} ({@code LocalRateLimit}, with a {@code token_bucket}), and
 * the route action's {@code rate_limits}. Any other name, or a config of another type, is refused
 * with its path, such as {@code ...routes[0].typed_per_filter_config["envoy.filters.http.rbac"]}.
 *
 * <p>Used on the configuration thread, for one route configuration.
 */
public final class RouteFiltersCompiler implements RouteFilterCompiler {

  private final LocalRateLimitCompiler rateLimits;

  public RouteFiltersCompiler(LocalRateLimitCompiler rateLimits) {
    this.rateLimits = rateLimits;
  }

  @Override
  public RouteFilterConfig compile(Route route, String path, Problems problems) {
    int before = problems.size();
    List<RateLimitPolicy> policies =
        route.hasRoute()
            ? LocalRateLimitCompiler.policies(
                route.getRoute().getRateLimitsList(),
                Problems.join(path, "route.rate_limits"),
                true,
                problems)
            : List.of();
    if (route.getTypedPerFilterConfigCount() == 0) {
      if (problems.size() > before) {
        return null;
      }
      return policies.isEmpty()
          ? RouteFilterConfig.NONE
          : new RouteFilters(null, null, null, policies);
    }
    FaultConfig fault = null;
    CorsConfig cors = null;
    LocalRateLimiter rateLimit = null;
    String configsPath = Problems.join(path, "typed_per_filter_config");
    for (Map.Entry<String, Any> e : new TreeMap<>(route.getTypedPerFilterConfigMap()).entrySet()) {
      String name = e.getKey();
      String at = Problems.key(configsPath, name);
      switch (name) {
        case HttpFilterConfig.FAULT -> {
          HTTPFault config = unpack(e.getValue(), HTTPFault.class, at, problems);
          fault = config == null ? null : FaultConfigCompiler.compile(config, at, problems);
        }
        case HttpFilterConfig.CORS -> {
          CorsPolicy config = unpack(e.getValue(), CorsPolicy.class, at, problems);
          cors = config == null ? null : CorsConfigCompiler.compile(config, at, problems);
        }
        case HttpFilterConfig.LOCAL_RATE_LIMIT -> {
          LocalRateLimit config = unpack(e.getValue(), LocalRateLimit.class, at, problems);
          rateLimit = config == null ? null : rateLimits.compile(config, true, at, problems);
        }
        default ->
            problems.add(
                at,
                "no filter named '" + name + "' takes per-route configuration in Bowline"
                    + " (supported: " + String.join(", ", new TreeMap<>(supported()).keySet())
                    + ")");
      }
    }
    if (problems.size() > before) {
      return null;
    }
    return new RouteFilters(fault, cors, rateLimit, policies);
  }

  private static Map<String, String> supported() {
    return Map.of(
        HttpFilterConfig.CORS, "CorsPolicy",
        HttpFilterConfig.FAULT, "HTTPFault",
        HttpFilterConfig.LOCAL_RATE_LIMIT, "LocalRateLimit");
  }

  private static <T extends Message> T unpack(
      Any any, Class<T> type, String path, Problems problems) {
    try {
      if (!any.is(type)) {
        String expected =
            com.google.protobuf.Internal.getDefaultInstance(type).getDescriptorForType()
                .getFullName();
        problems.add(
            path,
            "type " + any.getTypeUrl().substring(any.getTypeUrl().lastIndexOf('/') + 1)
                + " is not supported here by Bowline (expected " + expected + ")");
        return null;
      }
      return any.unpack(type);
    } catch (InvalidProtocolBufferException ex) {
      problems.add(path, "cannot decode: " + ex.getMessage());
      return null;
    }
  }
}
