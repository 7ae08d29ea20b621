package dev.bowline.proxy.xds;

import dev.bowline.proxy.config.ClusterConfig;
import dev.bowline.proxy.config.LoadAssignment;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The resources the client has accepted, of every type: what the proxy runs with, apart from
 * listeners still waiting for their routes. Immutable; each update makes a new one.
 *
 * @param clusters the clusters by name, translated (an EDS cluster without endpoints)
 * @param endpoints the EDS assignments by service name (only names some cluster uses)
 * @param listeners the listeners by name, as received (with {@code rds} not inlined)
 * @param routes the route configurations by name (only names some listener uses)
 */
record XdsResources(
    Map<String, ClusterResource> clusters,
    Map<String, EndpointsResource> endpoints,
    Map<String, Listener> listeners,
    Map<String, RouteConfiguration> routes) {

  static final XdsResources EMPTY = new XdsResources(Map.of(), Map.of(), Map.of(), Map.of());

  XdsResources {
    clusters = unmodifiable(clusters);
    endpoints = unmodifiable(endpoints);
    listeners = unmodifiable(listeners);
    routes = unmodifiable(routes);
  }

  /**
   * An accepted assignment.
   *
   * @param assignment its translation
   * @param proto the assignment as received (for {@code /config_dump})
   */
  record EndpointsResource(LoadAssignment assignment, ClusterLoadAssignment proto) {}

  /**
   * An accepted cluster.
   *
   * @param config the translation, with no endpoints when the cluster is EDS
   * @param edsServiceName for an EDS cluster, the name its assignment has in EDS
   *     ({@code eds_cluster_config.service_name}, else the cluster's name)
   * @param proto the cluster as received (for {@code /config_dump})
   */
  record ClusterResource(ClusterConfig config, Optional<String> edsServiceName, Cluster proto) {}

  /** The EDS resource names the clusters need, sorted. */
  Set<String> edsServiceNames() {
    Set<String> names = new TreeSet<>();
    clusters.values().forEach(c -> c.edsServiceName().ifPresent(names::add));
    return names;
  }

  /** The RDS resource names the listeners need, sorted. */
  Set<String> routeNames() {
    Set<String> names = new TreeSet<>();
    listeners.values().forEach(l -> names.addAll(RdsInliner.routeNames(l)));
    return names;
  }

  /** The clusters as the proxy runs them: EDS clusters with the endpoints held for them. */
  List<ClusterConfig> clusterConfigs() {
    List<ClusterConfig> out = new ArrayList<>(clusters.size());
    for (ClusterResource c : clusters.values()) {
      out.add(
          c.edsServiceName()
              .map(service -> c.config().withAssignment(
                  endpoints.containsKey(service) ? endpoints.get(service).assignment()
                      : LoadAssignment.EMPTY))
              .orElse(c.config()));
    }
    return out;
  }

  /** These clusters, dropping endpoints no cluster uses any more. */
  XdsResources withClusters(Map<String, ClusterResource> next) {
    XdsResources out = new XdsResources(next, Map.of(), listeners, routes);
    Map<String, EndpointsResource> kept = new LinkedHashMap<>(endpoints);
    kept.keySet().retainAll(out.edsServiceNames());
    return new XdsResources(next, kept, listeners, routes);
  }

  /** These endpoints replace those held for the same service names. */
  XdsResources withEndpoints(Map<String, EndpointsResource> updated) {
    Map<String, EndpointsResource> merged = new LinkedHashMap<>(endpoints);
    merged.putAll(updated);
    return new XdsResources(clusters, merged, listeners, routes);
  }

  /** These listeners, dropping route configurations no listener uses any more. */
  XdsResources withListeners(Map<String, Listener> next) {
    XdsResources out = new XdsResources(clusters, endpoints, next, Map.of());
    Map<String, RouteConfiguration> kept = new LinkedHashMap<>(routes);
    kept.keySet().retainAll(out.routeNames());
    return new XdsResources(clusters, endpoints, next, kept);
  }

  /** These route configurations replace those held under the same names. */
  XdsResources withRoutes(Map<String, RouteConfiguration> updated) {
    Map<String, RouteConfiguration> merged = new LinkedHashMap<>(routes);
    merged.putAll(updated);
    return new XdsResources(clusters, endpoints, listeners, merged);
  }

  private static <K, V> Map<K, V> unmodifiable(Map<K, V> map) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }
}
