package dev.bowline.kernel.pilot.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.bowline.proxy.config.ClusterConfig;
import dev.bowline.proxy.config.ClusterTranslator;
import dev.bowline.proxy.config.ConfigException;
import dev.bowline.proxy.config.EndpointTranslator;
import dev.bowline.proxy.config.ListenerConfig;
import dev.bowline.proxy.config.ListenerTranslator;
import dev.bowline.proxy.route.RouteTable;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Runs translated resources through Bowline's proxy, as it would receive them: clusters through
 * {@link ClusterTranslator}, endpoints through {@link EndpointTranslator}, route configurations
 * through {@link RouteTable#compile}, and listeners (with their RDS replaced by the route
 * configuration it names, since the proxy's connection manager takes inline routes only) through
 * {@link ListenerTranslator}. Any refusal fails the test with the proxy's own message.
 */
final class ProxyAcceptance {

  /** What the proxy made of a client's resources. */
  record Accepted(
      Map<String, ClusterConfig> clusters,
      Map<String, ListenerConfig> listeners,
      Map<String, RouteTable> routes) {}

  private ProxyAcceptance() {}

  /** Checks everything, including listeners (not for proxyless clients: see {@link #checkProxyless}). */
  static Accepted check(ProxyResources resources) throws ConfigException {
    Accepted accepted = checkProxyless(resources);
    Map<String, RouteConfiguration> routes = byName(resources.routes());
    for (Listener l : resources.listeners()) {
      assertThat(l.hasApiListener()).as("listener %s is an API listener", l.getName()).isFalse();
      accepted.listeners().put(l.getName(), ListenerTranslator.translate(inline(l, routes), "listener"));
    }
    return accepted;
  }

  /**
   * Checks clusters, endpoints and route configurations, and the consistency between them: names
   * unique and sorted, one assignment per EDS cluster, every RDS name served.
   */
  static Accepted checkProxyless(ProxyResources resources) throws ConfigException {
    assertSortedAndUnique(resources.clusters().stream().map(Cluster::getName).toList());
    assertSortedAndUnique(
        resources.endpoints().stream().map(ClusterLoadAssignment::getClusterName).toList());
    assertSortedAndUnique(resources.listeners().stream().map(Listener::getName).toList());
    assertSortedAndUnique(resources.routes().stream().map(RouteConfiguration::getName).toList());
    Map<String, ClusterConfig> clusters = new LinkedHashMap<>();
    for (Cluster c : resources.clusters()) {
      clusters.put(c.getName(), ClusterTranslator.translate(c, "cluster " + c.getName()));
    }
    for (ClusterLoadAssignment cla : resources.endpoints()) {
      EndpointTranslator.translate(cla, "cla " + cla.getClusterName());
    }
    Set<String> edsNames =
        resources.clusters().stream()
            .filter(Cluster::hasEdsClusterConfig)
            .map(c -> c.getEdsClusterConfig().getServiceName())
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> claNames =
        resources.endpoints().stream()
            .map(ClusterLoadAssignment::getClusterName)
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(claNames).as("one assignment per EDS cluster").isEqualTo(edsNames);
    Map<String, RouteTable> routes = new LinkedHashMap<>();
    for (RouteConfiguration rc : resources.routes()) {
      routes.put(rc.getName(), RouteTable.compile(rc, "route " + rc.getName()));
    }
    for (Listener l : resources.listeners()) {
      for (HttpConnectionManager hcm : managers(l)) {
        if (hcm.hasRds()) {
          assertThat(routes).as("RDS of listener %s", l.getName())
              .containsKey(hcm.getRds().getRouteConfigName());
        }
      }
    }
    return new Accepted(clusters, new LinkedHashMap<>(), routes);
  }

  /** {@code listener} with each RDS replaced by the inline route configuration it names. */
  static Listener inline(Listener listener, Map<String, RouteConfiguration> routes) {
    Listener.Builder b = listener.toBuilder();
    for (FilterChain.Builder chain : b.getFilterChainsBuilderList()) {
      for (Filter.Builder f : chain.getFiltersBuilderList()) {
        if (f.getTypedConfig().is(HttpConnectionManager.class)) {
          HttpConnectionManager hcm = unpack(f.getTypedConfig());
          if (hcm.hasRds()) {
            RouteConfiguration rc = routes.get(hcm.getRds().getRouteConfigName());
            assertThat(rc).as("route configuration %s", hcm.getRds().getRouteConfigName()).isNotNull();
            f.setTypedConfig(Any.pack(hcm.toBuilder().setRouteConfig(rc).build()));
          }
        }
      }
    }
    return b.build();
  }

  /** The connection managers of a listener (in filter chains or its API listener). */
  static List<HttpConnectionManager> managers(Listener listener) {
    if (listener.hasApiListener()) {
      return List.of(unpack(listener.getApiListener().getApiListener()));
    }
    return listener.getFilterChainsList().stream()
        .flatMap(c -> c.getFiltersList().stream())
        .filter(f -> f.getTypedConfig().is(HttpConnectionManager.class))
        .map(f -> unpack(f.getTypedConfig()))
        .toList();
  }

  /** Every cluster name the routes of {@code rc} send to. */
  static Set<String> referencedClusters(RouteConfiguration rc) {
    Set<String> names = new TreeSet<>();
    for (VirtualHost vh : rc.getVirtualHostsList()) {
      for (Route r : vh.getRoutesList()) {
        if (r.hasRoute()) {
          if (!r.getRoute().getCluster().isEmpty()) {
            names.add(r.getRoute().getCluster());
          }
          for (WeightedCluster.ClusterWeight w : r.getRoute().getWeightedClusters().getClustersList()) {
            names.add(w.getName());
          }
        }
      }
    }
    return names;
  }

  static Map<String, RouteConfiguration> byName(List<RouteConfiguration> routes) {
    Map<String, RouteConfiguration> m = new LinkedHashMap<>();
    routes.forEach(r -> m.put(r.getName(), r));
    return m;
  }

  private static void assertSortedAndUnique(List<String> names) {
    assertThat(names).doesNotHaveDuplicates();
    assertThat(names).isSorted();
  }

  private static HttpConnectionManager unpack(Any any) {
    try {
      return any.unpack(HttpConnectionManager.class);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
