package dev.bowline.kernel.pilot.translate;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.List;

/**
 * Everything one xDS client should hold at one moment: the Envoy v3 resources Pilot generated for
 * it. Immutable; names are unique within each list.
 *
 * @param clusters CDS resources
 * @param endpoints EDS resources, one per EDS cluster ({@code cluster_name} = the cluster's
 *     {@code eds_cluster_config.service_name}, or its name)
 * @param listeners LDS resources
 * @param routes RDS resources, one per {@code rds.route_config_name} a listener names
 */
public record ProxyResources(
    List<Cluster> clusters,
    List<ClusterLoadAssignment> endpoints,
    List<Listener> listeners,
    List<RouteConfiguration> routes) {

  /** Nothing. */
  public static final ProxyResources EMPTY = new ProxyResources(List.of(), List.of(), List.of(), List.of());

  public ProxyResources {
    clusters = List.copyOf(clusters);
    endpoints = List.copyOf(endpoints);
    listeners = List.copyOf(listeners);
    routes = List.copyOf(routes);
  }
}
