package dev.bowline.proxy.xds;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.protobuf.util.Durations;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import java.util.Arrays;
import java.util.List;

/** Envoy v3 resources as a control plane (Istio's Pilot) would send them, for the xDS tests. */
final class EnvoyResources {

  private EnvoyResources() {}

  static ConfigSource ads() {
    return ConfigSource.newBuilder()
        .setAds(AggregatedConfigSource.getDefaultInstance())
        .setResourceApiVersion(ApiVersion.V3)
        .build();
  }

  /** An EDS cluster whose assignment is named {@code serviceName}. */
  static Cluster edsCluster(String name, String serviceName) {
    return Cluster.newBuilder()
        .setName(name)
        .setType(Cluster.DiscoveryType.EDS)
        .setConnectTimeout(Durations.fromSeconds(1))
        .setEdsClusterConfig(
            Cluster.EdsClusterConfig.newBuilder().setServiceName(serviceName).setEdsConfig(ads()))
        .build();
  }

  /** Endpoints on 127.0.0.1 at these ports. */
  static ClusterLoadAssignment assignment(String serviceName, int... ports) {
    LocalityLbEndpoints.Builder group = LocalityLbEndpoints.newBuilder();
    for (int port : ports) {
      group.addLbEndpoints(
          LbEndpoint.newBuilder()
              .setEndpoint(
                  io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder()
                      .setAddress(address(port))));
    }
    return ClusterLoadAssignment.newBuilder()
        .setClusterName(serviceName)
        .addEndpoints(group)
        .build();
  }

  static Address address(int port) {
    return Address.newBuilder()
        .setSocketAddress(SocketAddress.newBuilder().setAddress("127.0.0.1").setPortValue(port))
        .build();
  }

  /** An HTTP listener on 127.0.0.1, a free port, whose routes come over RDS. */
  static Listener httpListener(String name, String routeName) {
    return httpListener(name, routeName, ads());
  }

  static Listener httpListener(String name, String routeName, ConfigSource rdsSource) {
    HttpConnectionManager hcm =
        HttpConnectionManager.newBuilder()
            .setStatPrefix("ingress_http")
            .setRds(Rds.newBuilder().setRouteConfigName(routeName).setConfigSource(rdsSource))
            .addHttpFilters(
                HttpFilter.newBuilder()
                    .setName("envoy.filters.http.router")
                    .setTypedConfig(Any.pack(Router.getDefaultInstance())))
            .build();
    return Listener.newBuilder()
        .setName(name)
        .setAddress(address(0))
        .addFilterChains(
            FilterChain.newBuilder()
                .addFilters(
                    Filter.newBuilder()
                        .setName("envoy.filters.network.http_connection_manager")
                        .setTypedConfig(Any.pack(hcm))))
        .build();
  }

  /** Every request to {@code cluster}. */
  static RouteConfiguration routes(String name, String cluster) {
    return RouteConfiguration.newBuilder()
        .setName(name)
        .addVirtualHosts(
            VirtualHost.newBuilder()
                .setName("all")
                .addDomains("*")
                .addRoutes(
                    Route.newBuilder()
                        .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                        .setRoute(RouteAction.newBuilder().setCluster(cluster))))
        .build();
  }

  static List<Any> any(Message... resources) {
    return Arrays.stream(resources).map(Any::pack).toList();
  }

  /** A snapshot with a version per type, so that a change of one type is pushed alone. */
  static Snapshot snapshot(
      String cdsVersion, List<Cluster> clusters,
      String edsVersion, List<ClusterLoadAssignment> endpoints,
      String ldsVersion, List<Listener> listeners,
      String rdsVersion, List<RouteConfiguration> routes) {
    return Snapshot.create(clusters, cdsVersion, endpoints, edsVersion, listeners, ldsVersion,
        routes, rdsVersion, List.of(), "none");
  }
}
