package dev.bowline.kernel.pilot.translate;

import com.google.protobuf.UInt32Value;
import dev.bowline.spi.model.Endpoint;
import dev.bowline.spi.model.HealthStatus;
import dev.bowline.spi.model.Locality;
import dev.bowline.spi.platform.PlatformSnapshot;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.netty.util.NetUtil;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the {@code ClusterLoadAssignment} of an outbound cluster from the registry: the endpoints
 * of the service port whose labels include the subset's, grouped by locality. Every locality gets
 * a {@code load_balancing_weight} (the sum of its endpoints' weights, at least 1), without which
 * grpc-java finds "no usable endpoint"; every endpoint its weight and health, and an endpoint
 * with a sidecar the metadata that selects mutual TLS for it ({@link MeshTls}). Localities and
 * endpoints are sorted so that equal registries give equal resources.
 *
 * <p>EDS carries IP addresses only (Envoy, Bowline's proxy and grpc-java all refuse a name): an
 * endpoint whose address is a DNS name is left out, with a warning. Stateless.
 */
final class LoadAssignments {

  private static final Logger log = LoggerFactory.getLogger(LoadAssignments.class);

  private static final Comparator<Locality> LOCALITY_ORDER =
      Comparator.comparing(Locality::region)
          .thenComparing(Locality::zone)
          .thenComparing(Locality::subzone);
  private static final Comparator<Endpoint> ENDPOINT_ORDER =
      Comparator.comparing(Endpoint::address).thenComparingInt(Endpoint::port);

  private LoadAssignments() {}

  /** The assignment of {@code spec}'s cluster; an empty one when it has no endpoints. */
  static ClusterLoadAssignment of(OutboundClusterSpec spec, PlatformSnapshot registry) {
    List<Endpoint> endpoints =
        registry.endpoints(spec.service().hostname(), spec.port().name());
    return of(spec.name(), endpoints, spec.subsetLabels());
  }


  /** The assignment named {@code clusterName} of the {@code endpoints} carrying {@code labels}. */
  static ClusterLoadAssignment of(
      String clusterName, List<Endpoint> endpoints, Map<String, String> labels) {
    ClusterLoadAssignment.Builder cla = ClusterLoadAssignment.newBuilder().setClusterName(clusterName);
    for (Map.Entry<Locality, List<Endpoint>> group : groups(clusterName, endpoints, labels).entrySet()) {
      cla.addEndpoints(localityEndpoints(group.getKey(), group.getValue()));
    }
    return cla.build();
  }

  /** The endpoints of {@code spec}'s cluster by locality, as {@link #groups(String, List, Map)}. */
  static TreeMap<Locality, List<Endpoint>> groups(OutboundClusterSpec spec, PlatformSnapshot registry) {
    return groups(
        spec.name(),
        registry.endpoints(spec.service().hostname(), spec.port().name()),
        spec.subsetLabels());
  }

  /**
   * The IP endpoints carrying {@code labels}, grouped by locality (localities and the endpoints of
   * each sorted).
   */
  static TreeMap<Locality, List<Endpoint>> groups(
      String clusterName, List<Endpoint> endpoints, Map<String, String> labels) {
    TreeMap<Locality, List<Endpoint>> byLocality = new TreeMap<>(LOCALITY_ORDER);
    for (Endpoint e : endpoints) {
      if (!e.labels().entrySet().containsAll(labels.entrySet())) {
        continue;
      }
      if (!isIpLiteral(e.address())) {
        log.warn("cluster {}: endpoint {} is not an IP address; EDS carries IP addresses only,"
            + " so it is left out", clusterName, e.authority());
        continue;
      }
      byLocality.computeIfAbsent(e.locality(), k -> new ArrayList<>()).add(e);
    }
    for (List<Endpoint> members : byLocality.values()) {
      members.sort(ENDPOINT_ORDER);
    }
    return byLocality;
  }

  /**
   * The locality group of {@code members} (sorted), weighted by the sum of their weights (at
   * least 1), at priority 0.
   */
  static LocalityLbEndpoints.Builder localityEndpoints(Locality l, List<Endpoint> members) {
    LocalityLbEndpoints.Builder locality =
        LocalityLbEndpoints.newBuilder()
            .setLocality(
                io.envoyproxy.envoy.config.core.v3.Locality.newBuilder()
                    .setRegion(l.region())
                    .setZone(l.zone())
                    .setSubZone(l.subzone()));
    long weight = 0;
    for (Endpoint e : members) {
      weight += e.weight();
      LbEndpoint.Builder lb =
          LbEndpoint.newBuilder()
              .setEndpoint(
                  io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder()
                      .setAddress(EnvoyAddresses.tcp(e.address(), e.port())))
              .setLoadBalancingWeight(UInt32Value.of(e.weight()))
              .setHealthStatus(health(e.health()));
      if (MeshTls.speaksMeshTls(e.labels())) {
        lb.setMetadata(MeshTls.meshEndpointMetadata());
      }
      locality.addLbEndpoints(lb);
    }
    locality.setLoadBalancingWeight(
        UInt32Value.of((int) Math.max(1, Math.min(weight, Integer.MAX_VALUE))));
    return locality;
  }

  static io.envoyproxy.envoy.config.core.v3.HealthStatus health(HealthStatus health) {
    switch (health) {
      case HEALTHY:
        return io.envoyproxy.envoy.config.core.v3.HealthStatus.HEALTHY;
      case UNHEALTHY:
        return io.envoyproxy.envoy.config.core.v3.HealthStatus.UNHEALTHY;
      case DRAINING:
        return io.envoyproxy.envoy.config.core.v3.HealthStatus.DRAINING;
      default:
        return io.envoyproxy.envoy.config.core.v3.HealthStatus.UNKNOWN;
    }
  }

  /** Whether {@code address} is an IPv4 or IPv6 literal, decided without any DNS lookup. */
  static boolean isIpLiteral(String address) {
    return NetUtil.isValidIpV4Address(address) || NetUtil.isValidIpV6Address(address);
  }
}
