package dev.bowline.kernel.pilot.translate;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds the HTTP connection managers Pilot emits (with RDS over ADS or an inline route table, the
 * typed router filter, preceded by the CORS, fault and local rate limit filters when the routes
 * configure them) and the ADS config source they, and EDS clusters, name. Stateless.
 */
final class HttpConnectionManagers {

  /** The name of the HTTP connection manager network filter. */
  static final String HCM_FILTER = "envoy.filters.network.http_connection_manager";

  /** The name of the router HTTP filter. */
  static final String ROUTER_FILTER = "envoy.filters.http.router";

  /** The CORS filter; routes carry their policy in {@code typed_per_filter_config}. */
  static final String CORS_FILTER = "envoy.filters.http.cors";

  /** The fault injection filter; routes carry their faults in {@code typed_per_filter_config}. */
  static final String FAULT_FILTER = "envoy.filters.http.fault";

  /** The local rate limit filter; routes carry their buckets in {@code typed_per_filter_config}. */
  static final String LOCAL_RATE_LIMIT_FILTER = "envoy.filters.http.local_ratelimit";

  /**
   * The filters routes may configure, in the order a connection manager lists them (Istio's).
   * Sidecars and gateways always list all of them, as Istio does: a listener change applies only
   * to new connections, so a filter added when a VirtualService first needs it would not reach the
   * keep-alive connections already open, while a route change reaches every request at once.
   */
  static final List<String> ROUTE_FILTERS =
      List.of(CORS_FILTER, FAULT_FILTER, LOCAL_RATE_LIMIT_FILTER);

  private static final ConfigSource ADS =
      ConfigSource.newBuilder()
          .setAds(AggregatedConfigSource.getDefaultInstance())
          .setResourceApiVersion(ApiVersion.V3)
          .build();

  private static final HttpFilter ROUTER =
      HttpFilter.newBuilder()
          .setName(ROUTER_FILTER)
          .setTypedConfig(Any.pack(Router.getDefaultInstance()))
          .build();

  private HttpConnectionManagers() {}

  /** {@code {ads: {}, resource_api_version: V3}}: resources come over the same ADS stream. */
  static ConfigSource ads() {
    return ADS;
  }

  /** The router, typed as grpc-java requires. */
  static HttpFilter router() {
    return ROUTER;
  }

  /** A connection manager that fetches route configuration {@code routeName} over ADS. */
  static HttpConnectionManager.Builder rds(String statPrefix, String routeName) {
    return HttpConnectionManager.newBuilder()
        .setStatPrefix(statPrefix)
        .setRds(Rds.newBuilder().setConfigSource(ADS).setRouteConfigName(routeName))
        .addHttpFilters(ROUTER);
  }

  /** A connection manager with its route configuration inline. */
  static HttpConnectionManager.Builder inline(String statPrefix, RouteConfiguration routes) {
    return HttpConnectionManager.newBuilder()
        .setStatPrefix(statPrefix)
        .setRouteConfig(routes)
        .addHttpFilters(ROUTER);
  }

  /**
   * The route filters ({@link #ROUTE_FILTERS}) some route or virtual host of {@code routes}
   * configures, in the order a connection manager lists them.
   */
  static List<String> routeFilters(RouteConfiguration routes) {
    Set<String> used = new HashSet<>();
    for (VirtualHost vh : routes.getVirtualHostsList()) {
      used.addAll(vh.getTypedPerFilterConfigMap().keySet());
      for (Route r : vh.getRoutesList()) {
        used.addAll(r.getTypedPerFilterConfigMap().keySet());
      }
    }
    List<String> out = new ArrayList<>();
    for (String f : ROUTE_FILTERS) {
      if (used.contains(f)) {
        out.add(f);
      }
    }
    return List.copyOf(out);
  }

  /**
   * {@code hcm} with the HTTP filters {@code filters} (names from {@link #ROUTE_FILTERS}, in that
   * order) before the router: the CORS filter ({@code Cors}), the fault filter (an empty {@code
   * HTTPFault}: routes say what to inject) and the local rate limit filter (no bucket: routes have
   * theirs), as Istio lists them.
   */
  static HttpConnectionManager.Builder withRouteFilters(
      HttpConnectionManager.Builder hcm, List<String> filters) {
    if (filters.isEmpty()) {
      return hcm;
    }
    hcm.clearHttpFilters();
    for (String f : filters) {
      hcm.addHttpFilters(routeFilter(f));
    }
    return hcm.addHttpFilters(ROUTER);
  }

  private static HttpFilter routeFilter(String name) {
    HttpFilter.Builder f = HttpFilter.newBuilder().setName(name);
    switch (name) {
      case CORS_FILTER:
        return f.setTypedConfig(Any.pack(Cors.getDefaultInstance())).build();
      case FAULT_FILTER:
        return f.setTypedConfig(Any.pack(HTTPFault.getDefaultInstance())).build();
      case LOCAL_RATE_LIMIT_FILTER:
        return f.setTypedConfig(Any.pack(LocalRateLimits.filter())).build();
      default:
        throw new IllegalArgumentException("not a route filter: " + name);
    }
  }

  /** A connection manager that trusts the peer address (edge proxies: gateways). */
  static HttpConnectionManager.Builder atEdge(HttpConnectionManager.Builder hcm) {
    return hcm.setUseRemoteAddress(BoolValue.of(true));
  }

  /** The connection manager as a listener's network filter. */
  static Filter filter(HttpConnectionManager hcm) {
    return Filter.newBuilder().setName(HCM_FILTER).setTypedConfig(Any.pack(hcm)).build();
  }
}
