package dev.bowline.kernel.pilot.xds;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UInt32Value;
import dev.bowline.kernel.pilot.node.ProxyNode;
import dev.bowline.kernel.pilot.translate.ProxyResources;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/** Small Envoy v3 resources built by hand, and what a client reads out of them. */
final class TestEnvoyResources {

  private TestEnvoyResources() {}

  private static final ConfigSource ADS =
      ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance()).build();

  /** A sidecar {@code <workload>-1} in {@code default}, as its node announces it. */
  static ProxyNode sidecar(String workload) {
    String id =
        ProxyNode.nodeId(
            ProxyNode.Type.SIDECAR, "10.0.0.7", workload + "-1", "default", "cluster.local");
    return new ProxyNode(
        id,
        ProxyNode.Type.SIDECAR,
        "10.0.0.7",
        workload,
        "default",
        "default",
        Map.of("app", workload),
        workload,
        OptionalInt.of(8080),
        15006,
        15001);
  }

  /** An EDS cluster whose endpoints are named like it. */
  static Cluster edsCluster(String name) {
    return Cluster.newBuilder()
        .setName(name)
        .setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(
            Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ADS).setServiceName(name))
        .setConnectTimeout(Duration.newBuilder().setSeconds(1))
        .build();
  }

  /** One endpoint 127.0.0.1:{@code port} for cluster {@code name}. */
  static ClusterLoadAssignment endpoints(String name, int port) {
    return ClusterLoadAssignment.newBuilder()
        .setClusterName(name)
        .addEndpoints(
            LocalityLbEndpoints.newBuilder()
                .setLoadBalancingWeight(UInt32Value.of(1))
                .addLbEndpoints(
                    LbEndpoint.newBuilder()
                        .setEndpoint(
                            Endpoint.newBuilder()
                                .setAddress(
                                    Address.newBuilder()
                                        .setSocketAddress(
                                            SocketAddress.newBuilder()
                                                .setAddress("127.0.0.1")
                                                .setPortValue(port))))))
        .build();
  }

  /**
   * An API listener (as proxyless gRPC uses) whose HTTP connection manager reads RDS {@code route}.
   */
  static Listener apiListener(String name, String route) {
    return Listener.newBuilder()
        .setName(name)
        .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(hcm(route))))
        .build();
  }

  /** A listener with one filter chain whose HTTP connection manager reads RDS {@code route}. */
  static Listener httpListener(String name, int port, String route) {
    return Listener.newBuilder()
        .setName(name)
        .setAddress(
            Address.newBuilder()
                .setSocketAddress(
                    SocketAddress.newBuilder().setAddress("0.0.0.0").setPortValue(port)))
        .addFilterChains(
            FilterChain.newBuilder()
                .addFilters(
                    Filter.newBuilder()
                        .setName("envoy.filters.network.http_connection_manager")
                        .setTypedConfig(Any.pack(hcm(route)))))
        .build();
  }

  private static HttpConnectionManager hcm(String route) {
    return HttpConnectionManager.newBuilder()
        .setStatPrefix("http")
        .setRds(Rds.newBuilder().setConfigSource(ADS).setRouteConfigName(route))
        .addHttpFilters(
            HttpFilter.newBuilder()
                .setName("envoy.filters.http.router")
                .setTypedConfig(Any.pack(Router.getDefaultInstance())))
        .build();
  }

  /** A route configuration: one virtual host for every domain, one route per path prefix. */
  static RouteConfiguration routes(String name, Map<String, String> clusterByPrefix) {
    VirtualHost.Builder host = VirtualHost.newBuilder().setName(name).addDomains("*");
    clusterByPrefix.forEach(
        (prefix, cluster) ->
            host.addRoutes(
                Route.newBuilder()
                    .setMatch(RouteMatch.newBuilder().setPrefix(prefix))
                    .setRoute(RouteAction.newBuilder().setCluster(cluster))));
    return RouteConfiguration.newBuilder().setName(name).addVirtualHosts(host).build();
  }

  /** Ordered map literal for {@link #routes}. */
  static Map<String, String> prefixes(String... prefixAndCluster) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < prefixAndCluster.length; i += 2) {
      out.put(prefixAndCluster[i], prefixAndCluster[i + 1]);
    }
    return out;
  }

  /** A sidecar-like set: listener {@code http} → routes {@code 80} → the given clusters. */
  static ProxyResources mesh(Map<String, String> clusterByPrefix) {
    List<Cluster> clusters = new ArrayList<>();
    List<ClusterLoadAssignment> endpoints = new ArrayList<>();
    int port = 9000;
    for (String cluster : new LinkedHashSet<>(clusterByPrefix.values())) {
      clusters.add(edsCluster(cluster));
      endpoints.add(endpoints(cluster, port++));
    }
    return new ProxyResources(
        clusters,
        endpoints,
        List.of(httpListener("http", 15001, "80")),
        List.of(routes("80", clusterByPrefix)));
  }

  /** The EDS names a client subscribes to after reading these clusters. */
  static List<String> edsNames(List<Cluster> clusters) {
    List<String> out = new ArrayList<>();
    for (Cluster c : clusters) {
      if (c.getType() == Cluster.DiscoveryType.EDS) {
        String service = c.getEdsClusterConfig().getServiceName();
        out.add(service.isEmpty() ? c.getName() : service);
      }
    }
    return out;
  }

  /** The RDS names a client subscribes to after reading these listeners. */
  static List<String> rdsNames(List<Listener> listeners) {
    List<String> out = new ArrayList<>();
    for (Listener l : listeners) {
      if (l.hasApiListener()) {
        out.add(unpackHcm(l.getApiListener().getApiListener()).getRds().getRouteConfigName());
      }
      for (FilterChain chain : l.getFilterChainsList()) {
        for (Filter f : chain.getFiltersList()) {
          if (f.getTypedConfig().is(HttpConnectionManager.class)) {
            out.add(unpackHcm(f.getTypedConfig()).getRds().getRouteConfigName());
          }
        }
      }
    }
    return out;
  }

  /** The clusters the routes send traffic to. */
  static List<String> routedClusters(RouteConfiguration config) {
    List<String> out = new ArrayList<>();
    config.getVirtualHostsList()
        .forEach(h -> h.getRoutesList().forEach(r -> out.add(r.getRoute().getCluster())));
    return out;
  }

  private static HttpConnectionManager unpackHcm(Any any) {
    try {
      return any.unpack(HttpConnectionManager.class);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
