package dev.bowline.kernel.pilot.translate;

import com.google.protobuf.Any;
import dev.bowline.kernel.pilot.istio.VirtualService.RouteDestination;
import dev.bowline.kernel.pilot.istio.VirtualService.TcpRoute;
import dev.bowline.kernel.pilot.translate.PushIndex.IndexedVirtualService;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a VirtualService {@code tcp} or {@code tls} rule into Envoy's {@code tcp_proxy}, for
 * gateways' TCP and TLS passthrough servers and sidecars' TCP egress listeners alike: one destination is the proxy's {@code cluster},
 * several its {@code weighted_clusters} (weight-0 destinations left out; all unweighted: equal
 * shares). Stateless.
 */
final class TcpProxies {

  private static final Logger log = LoggerFactory.getLogger(TcpProxies.class);

  private TcpProxies() {}

  /**
   * The {@code tcp_proxy} of {@code rule}, if it has a destination.
   *
   * @param statPrefix the stat prefix when the rule splits between clusters (one cluster's name is
   *     its own prefix)
   * @param where the rule, for log lines
   */
  static Optional<TcpProxy> of(
      TcpRoute rule,
      IndexedVirtualService vs,
      RouteScope scope,
      VirtualServiceRoutes rules,
      String statPrefix,
      String where) {
    return of(rule.route(), vs, scope, rules, statPrefix, where);
  }

  /** The {@code tcp_proxy} to {@code route}, the destinations of a {@code tcp} or {@code tls} rule. */
  static Optional<TcpProxy> of(
      List<RouteDestination> route,
      IndexedVirtualService vs,
      RouteScope scope,
      VirtualServiceRoutes rules,
      String statPrefix,
      String where) {
    List<RouteDestination> destinations = new ArrayList<>();
    for (RouteDestination d : route) {
      if (d == null || d.destination() == null || d.destination().host() == null) {
        log.warn("{}: a destination without host is left out", where);
      } else {
        destinations.add(d);
      }
    }
    if (destinations.size() > 1 && destinations.stream().anyMatch(d -> d.weight() > 0)) {
      destinations.removeIf(d -> d.weight() <= 0);
    }
    if (destinations.isEmpty()) {
      return Optional.empty();
    }
    if (destinations.size() == 1) {
      return Optional.of(toCluster(rules.clusterName(destinations.get(0).destination(), vs, scope)));
    }
    TcpProxy.WeightedCluster.Builder weighted = TcpProxy.WeightedCluster.newBuilder();
    boolean unweighted = destinations.stream().allMatch(d -> d.weight() <= 0);
    for (RouteDestination d : destinations) {
      weighted.addClusters(
          TcpProxy.WeightedCluster.ClusterWeight.newBuilder()
              .setName(rules.clusterName(d.destination(), vs, scope))
              .setWeight(unweighted ? 1 : d.weight()));
    }
    return Optional.of(
        TcpProxy.newBuilder().setStatPrefix(statPrefix).setWeightedClusters(weighted).build());
  }

  /** A {@code tcp_proxy} to one cluster. */
  static TcpProxy toCluster(String cluster) {
    return TcpProxy.newBuilder().setStatPrefix(cluster).setCluster(cluster).build();
  }

  /** A listener named {@code name} on {@code address:port} with the one filter {@code proxy}. */
  static Listener listener(String name, String address, int port, TcpProxy proxy) {
    return Listener.newBuilder()
        .setName(name)
        .setAddress(EnvoyAddresses.tcp(address, port))
        .addFilterChains(FilterChain.newBuilder().addFilters(filter(proxy)))
        .build();
  }

  /** The network filter running {@code proxy}. */
  static Filter filter(TcpProxy proxy) {
    return Filter.newBuilder()
        .setName("envoy.filters.network.tcp_proxy")
        .setTypedConfig(Any.pack(proxy))
        .build();
  }
}
