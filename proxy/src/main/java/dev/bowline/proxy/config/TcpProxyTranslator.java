package dev.bowline.proxy.config;

import dev.bowline.proxy.config.TcpProxyConfig.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Translates a {@code TcpProxy} into a {@link TcpProxyConfig}: one cluster (weight 1) or weighted
 * clusters, the idle timeout (Envoy's default 1 h; 0 disables) and a {@code source_ip} hash
 * policy. Whether the clusters exist is
 * not checked here, since xDS may add them later. Stateless.
 */
final class TcpProxyTranslator {

  static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(1);

  private TcpProxyTranslator() {}

  /**
   * Whether {@code hash_policy} asks for the source IP (Envoy allows one entry; {@code
   * filter_state} is refused by the supported-subset check).
   */
  private static boolean hashSourceIp(TcpProxy tcp, String path, Problems problems) {
    if (tcp.getHashPolicyCount() > 1) {
      problems.add(path, "at most one hash policy (as in Envoy), not " + tcp.getHashPolicyCount());
      return false;
    }
    return tcp.getHashPolicyCount() == 1 && tcp.getHashPolicy(0).hasSourceIp();
  }

  /** The TCP proxy, or null after reporting problems. {@code path} is its typed_config's. */
  static TcpProxyConfig translate(TcpProxy tcp, String path, Problems problems) {
    int before = problems.size();
    if (tcp.getStatPrefix().isEmpty()) {
      problems.add(Problems.join(path, "stat_prefix"), "required");
    }
    List<WeightedCluster> clusters = new ArrayList<>();
    switch (tcp.getClusterSpecifierCase()) {
      case CLUSTER:
        if (tcp.getCluster().isEmpty()) {
          problems.add(Problems.join(path, "cluster"), "must not be empty");
        } else {
          clusters.add(new WeightedCluster(tcp.getCluster(), 1));
        }
        break;
      case WEIGHTED_CLUSTERS:
        String listPath = Problems.join(Problems.join(path, "weighted_clusters"), "clusters");
        var weighted = tcp.getWeightedClusters().getClustersList();
        if (weighted.isEmpty()) {
          problems.add(listPath, "needs at least one cluster");
        }
        for (int i = 0; i < weighted.size(); i++) {
          String clusterPath = Problems.index(listPath, i);
          if (weighted.get(i).getName().isEmpty()) {
            problems.add(Problems.join(clusterPath, "name"), "required");
          }
          int weight =
              ProtoValues.uint32(weighted.get(i).getWeight(), 1, Integer.MAX_VALUE,
                  Problems.join(clusterPath, "weight"), problems, 1);
          clusters.add(new WeightedCluster(weighted.get(i).getName(), weight));
        }
        break;
      default:
        problems.add(Problems.join(path, "cluster"), "required (or weighted_clusters)");
    }
    Duration idleTimeout =
        ProtoValues.duration(tcp.hasIdleTimeout(), tcp.getIdleTimeout(), DEFAULT_IDLE_TIMEOUT,
            Problems.join(path, "idle_timeout"), problems);
    boolean hashSourceIp = hashSourceIp(tcp, Problems.join(path, "hash_policy"), problems);
    if (problems.size() > before) {
      return null;
    }
    return new TcpProxyConfig(tcp.getStatPrefix(), clusters, idleTimeout, hashSourceIp);
  }
}
