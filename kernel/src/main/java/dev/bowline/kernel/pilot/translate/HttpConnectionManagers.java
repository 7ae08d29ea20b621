package dev.bowline.kernel.pilot.translate;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;

/**
 * Builds the HTTP connection managers Pilot emits (with RDS over ADS or an inline route table, the
 * typed router filter) and the ADS config source they, and EDS clusters, name. Stateless.
 */
final class HttpConnectionManagers {

  /** The name of the HTTP connection manager network filter. */
  static final String HCM_FILTER = "envoy.filters.network.http_connection_manager";

  /** The name of the router HTTP filter. */
  static final String ROUTER_FILTER = "envoy.filters.http.router";

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

  /** A connection manager that trusts the peer address (edge proxies: gateways). */
  static HttpConnectionManager.Builder atEdge(HttpConnectionManager.Builder hcm) {
    return hcm.setUseRemoteAddress(BoolValue.of(true));
  }

  /** The connection manager as a listener's network filter. */
  static Filter filter(HttpConnectionManager hcm) {
    return Filter.newBuilder().setName(HCM_FILTER).setTypedConfig(Any.pack(hcm)).build();
  }
}
