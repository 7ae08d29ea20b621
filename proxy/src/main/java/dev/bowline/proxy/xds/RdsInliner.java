package dev.bowline.proxy.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.bowline.proxy.config.Problems;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * RDS for the listener translator, which takes inline routes only: finds the route configurations
 * a listener's HTTP connection managers name ({@code rds.route_config_name}) and replaces each
 * {@code rds} by {@code route_config}, the configuration received over RDS. Connection managers
 * that cannot be unpacked are left alone for the translator to report. Stateless.
 */
final class RdsInliner {

  private RdsInliner() {}

  /** The route configuration names the listener's filter chains need, sorted. */
  static Set<String> routeNames(Listener listener) {
    Set<String> names = new TreeSet<>();
    for (FilterChain chain : listener.getFilterChainsList()) {
      for (Filter filter : chain.getFiltersList()) {
        HttpConnectionManager hcm = connectionManager(filter);
        if (hcm != null && hcm.hasRds() && !hcm.getRds().getRouteConfigName().isEmpty()) {
          names.add(hcm.getRds().getRouteConfigName());
        }
      }
    }
    return names;
  }

  /**
   * Checks each {@code rds}: a route name is required and its config source must be ADS.
   *
   * @param path the listener's path
   */
  static void check(Listener listener, String path, Problems problems) {
    for (int c = 0; c < listener.getFilterChainsCount(); c++) {
      FilterChain chain = listener.getFilterChains(c);
      for (int f = 0; f < chain.getFiltersCount(); f++) {
        HttpConnectionManager hcm = connectionManager(chain.getFilters(f));
        if (hcm == null || !hcm.hasRds()) {
          continue;
        }
        String rdsPath =
            Problems.join(
                Problems.index(
                    Problems.join(Problems.index(Problems.join(path, "filter_chains"), c),
                        "filters"), f),
                "typed_config.rds");
        if (hcm.getRds().getRouteConfigName().isEmpty()) {
          problems.add(Problems.join(rdsPath, "route_config_name"), "required");
        }
        AdsConfigSources.check(
            hcm.getRds().getConfigSource(), Problems.join(rdsPath, "config_source"), problems);
      }
    }
  }

  /**
   * The listener with every {@code rds} replaced by {@code route_config = routes(name)}.
   *
   * @param routes the configuration for each name {@link #routeNames} returns
   */
  static Listener inline(Listener listener, Function<String, RouteConfiguration> routes) {
    if (routeNames(listener).isEmpty()) {
      return listener;
    }
    Listener.Builder out = listener.toBuilder();
    for (FilterChain.Builder chain : out.getFilterChainsBuilderList()) {
      for (Filter.Builder filter : chain.getFiltersBuilderList()) {
        HttpConnectionManager hcm = connectionManager(filter.build());
        if (hcm != null && hcm.hasRds()) {
          RouteConfiguration route = routes.apply(hcm.getRds().getRouteConfigName());
          filter.setTypedConfig(
              Any.pack(hcm.toBuilder().clearRds().setRouteConfig(route).build()));
        }
      }
    }
    return out.build();
  }

  private static HttpConnectionManager connectionManager(Filter filter) {
    if (!filter.hasTypedConfig() || !filter.getTypedConfig().is(HttpConnectionManager.class)) {
      return null;
    }
    try {
      return filter.getTypedConfig().unpack(HttpConnectionManager.class);
    } catch (InvalidProtocolBufferException e) {
      return null; // the translator reports it
    }
  }
}
