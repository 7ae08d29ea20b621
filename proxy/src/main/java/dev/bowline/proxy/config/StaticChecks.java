package dev.bowline.proxy.config;

import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks that need the whole bootstrap: unique listener and cluster names, listeners not sharing
 * an address, and every cluster a {@code tcp_proxy} names defined in {@code static_resources}
 * (routes are not checked: the router resolves them, and xDS may add clusters later). Stateless.
 */
final class StaticChecks {

  private StaticChecks() {}

  /** Names by index in their list; an empty name is not checked. */
  static void uniqueNames(
      Map<Integer, String> names, String listPath, String what, Problems problems) {
    Map<String, Integer> first = new HashMap<>();
    for (Map.Entry<Integer, String> entry : names.entrySet()) {
      int i = entry.getKey();
      String name = entry.getValue();
      if (name.isEmpty()) {
        continue;
      }
      Integer earlier = first.putIfAbsent(name, i);
      if (earlier != null) {
        problems.add(Problems.join(Problems.index(listPath, i), "name"),
            "duplicate " + what + " name '" + name + "' (also " + Problems.index(listPath, earlier)
                + ")");
      }
    }
  }

  /** Listeners on the same IP and port (port 0 picks a free port, so it never clashes). */
  static void uniqueAddresses(
      Map<Integer, InetSocketAddress> addresses, String listPath, Problems problems) {
    Map<InetSocketAddress, Integer> first = new HashMap<>();
    addresses.forEach(
        (index, address) -> {
          if (address.getPort() == 0) {
            return;
          }
          Integer earlier = first.putIfAbsent(address, index);
          if (earlier != null) {
            problems.add(Problems.join(Problems.index(listPath, index), "address"),
                "the same address as " + Problems.index(listPath, earlier));
          }
        });
  }

  /** Every cluster named by a tcp_proxy filter exists among {@code static_resources.clusters}. */
  static void tcpProxyClusters(Bootstrap bootstrap, Problems problems) {
    Set<String> clusters =
        bootstrap.getStaticResources().getClustersList().stream()
            .map(c -> c.getName())
            .collect(Collectors.toSet());
    List<Listener> listeners = bootstrap.getStaticResources().getListenersList();
    for (int l = 0; l < listeners.size(); l++) {
      String listenerPath = Problems.index("static_resources.listeners", l);
      for (int c = 0; c < listeners.get(l).getFilterChainsCount(); c++) {
        String chainPath = Problems.index(Problems.join(listenerPath, "filter_chains"), c);
        List<Filter> filters = listeners.get(l).getFilterChains(c).getFiltersList();
        for (int f = 0; f < filters.size(); f++) {
          String configPath =
              Problems.join(Problems.index(Problems.join(chainPath, "filters"), f), "typed_config");
          if (filters.get(f).getTypedConfig().is(TcpProxy.class)) {
            check(filters.get(f), clusters, configPath, problems);
          }
        }
      }
    }
  }

  private static void check(Filter filter, Set<String> clusters, String path, Problems problems) {
    TcpProxy tcp;
    try {
      tcp = filter.getTypedConfig().unpack(TcpProxy.class);
    } catch (InvalidProtocolBufferException e) {
      return; // reported by the listener's translation
    }
    if (!tcp.getCluster().isEmpty() && !clusters.contains(tcp.getCluster())) {
      problems.add(Problems.join(path, "cluster"), unknown(tcp.getCluster()));
    }
    var weighted = tcp.getWeightedClusters().getClustersList();
    for (int i = 0; i < weighted.size(); i++) {
      String name = weighted.get(i).getName();
      if (!name.isEmpty() && !clusters.contains(name)) {
        problems.add(
            Problems.join(Problems.index(Problems.join(path, "weighted_clusters.clusters"), i),
                "name"),
            unknown(name));
      }
    }
  }

  private static String unknown(String name) {
    return "unknown cluster '" + name + "' (not in static_resources.clusters)";
  }
}
