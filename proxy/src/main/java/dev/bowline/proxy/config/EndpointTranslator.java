package dev.bowline.proxy.config;

import com.google.protobuf.Value;
import dev.bowline.spi.model.Endpoint;
import dev.bowline.spi.model.HealthStatus;
import dev.bowline.spi.model.Locality;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Translates a {@code ClusterLoadAssignment} (a STATIC cluster's {@code load_assignment}, or an
 * EDS response) into a {@link LoadAssignment}, after checking it against the fields Bowline
 * supports.
 *
 * <p>Each endpoint gets the {@code priority} of its {@code LocalityLbEndpoints} (default 0), its
 * locality, its {@code lb_endpoints[].load_balancing_weight} (default 1) and its health: Envoy's {@code HEALTHY}, {@code UNHEALTHY}, {@code DRAINING} and {@code UNKNOWN}
 * map to the same states, {@code TIMEOUT} to {@code UNHEALTHY}; {@code DEGRADED} is not supported
 * yet. A locality's {@code load_balancing_weight} is checked (at least 1) but, as in Envoy without
 * locality-weighted balancing, does not change endpoint weights. Addresses must be IP literals, as
 * Envoy requires, except in DNS clusters, where they may be host names; labels are empty. The
 * assignment's {@code policy} gives {@code overprovisioning_factor} (default 140, at least 1) and
 * {@code weighted_priority_health}. Pure and stateless: safe to call from any thread.
 */
public final class EndpointTranslator {

  private EndpointTranslator() {}

  /**
   * The endpoints of an assignment, without their priorities.
   *
   * @param assignment the Envoy assignment
   * @param path its path, prefixed to each problem's field path; may be empty
   * @throws ConfigException every problem found, each starting with its field path
   */
  public static List<Endpoint> translate(ClusterLoadAssignment assignment, String path)
      throws ConfigException {
    return translateAssignment(assignment, path).plainEndpoints();
  }

  /**
   * The endpoints of an assignment with their priorities, and its policy.
   *
   * @param assignment the Envoy assignment
   * @param path its path, prefixed to each problem's field path; may be empty
   * @throws ConfigException every problem found, each starting with its field path
   */
  public static LoadAssignment translateAssignment(ClusterLoadAssignment assignment, String path)
      throws ConfigException {
    Problems problems = new Problems();
    SupportedFieldsValidator.validate(
        assignment, SupportedFields.CLUSTER_LOAD_ASSIGNMENT, path, problems);
    LoadAssignment endpoints = endpoints(assignment, path, problems);
    problems.throwIfAny();
    return endpoints;
  }

  /** The endpoints, without the supported-subset check (done by the caller). */
  static LoadAssignment endpoints(
      ClusterLoadAssignment assignment, String path, Problems problems) {
    return endpoints(assignment, false, path, problems);
  }

  /**
   * The endpoints, without the supported-subset check (done by the caller).
   *
   * @param names whether an address may be a host name (STRICT_DNS and LOGICAL_DNS clusters),
   *     kept as written for the cluster manager to resolve
   */
  static LoadAssignment endpoints(
      ClusterLoadAssignment assignment, boolean names, String path, Problems problems) {
    if (assignment.getClusterName().isEmpty()) {
      problems.add(Problems.join(path, "cluster_name"), "required");
    }
    List<PrioritizedEndpoint> endpoints = new ArrayList<>();
    String localitiesPath = Problems.join(path, "endpoints");
    for (int i = 0; i < assignment.getEndpointsCount(); i++) {
      LocalityLbEndpoints group = assignment.getEndpoints(i);
      String groupPath = Problems.index(localitiesPath, i);
      ProtoValues.uint32(group.hasLoadBalancingWeight(), group.getLoadBalancingWeight(), 1, 1,
          Integer.MAX_VALUE, Problems.join(groupPath, "load_balancing_weight"), problems);
      int priority = ProtoValues.uint32(group.getPriority(), 0, Integer.MAX_VALUE,
          Problems.join(groupPath, "priority"), problems, 0);
      Locality locality =
          new Locality(
              group.getLocality().getRegion(),
              group.getLocality().getZone(),
              group.getLocality().getSubZone());
      String hostsPath = Problems.join(groupPath, "lb_endpoints");
      for (int j = 0; j < group.getLbEndpointsCount(); j++) {
        Endpoint endpoint =
            endpoint(group.getLbEndpoints(j), locality, names, Problems.index(hostsPath, j),
                problems);
        if (endpoint != null) {
          endpoints.add(new PrioritizedEndpoint(endpoint, priority));
        }
      }
    }
    ClusterLoadAssignment.Policy policy = assignment.getPolicy();
    int factor =
        ProtoValues.uint32(policy.hasOverprovisioningFactor(), policy.getOverprovisioningFactor(),
            LoadAssignment.DEFAULT_OVERPROVISIONING_FACTOR, 1, Integer.MAX_VALUE,
            Problems.join(path, "policy.overprovisioning_factor"), problems);
    return new LoadAssignment(endpoints, factor, policy.getWeightedPriorityHealth());
  }

  private static Endpoint endpoint(
      LbEndpoint host, Locality locality, boolean names, String path, Problems problems) {
    int before = problems.size();
    String addressPath = Problems.join(Problems.join(path, "endpoint"), "address");
    if (!host.getEndpoint().hasAddress()) {
      if (host.getHostIdentifierCase() != LbEndpoint.HostIdentifierCase.ENDPOINT_NAME) {
        problems.add(addressPath, "required");
      }
      return null;
    }
    var address =
        names
            ? SocketAddresses.readName(host.getEndpoint().getAddress(), addressPath, problems)
            : SocketAddresses.read(host.getEndpoint().getAddress(), 1, addressPath, problems);
    int weight =
        ProtoValues.uint32(host.hasLoadBalancingWeight(), host.getLoadBalancingWeight(), 1, 1,
            Integer.MAX_VALUE, Problems.join(path, "load_balancing_weight"), problems);
    HealthStatus health = health(host, Problems.join(path, "health_status"), problems);
    Map<String, String> labels = socketLabels(host, Problems.join(path, "metadata"), problems);
    if (problems.size() > before || address == null) {
      return null;
    }
    String literal = host.getEndpoint().getAddress().getSocketAddress().getAddress();
    return new Endpoint(literal, address.getPort(), labels, locality, weight, health);
  }

  /**
   * The endpoint's transport socket labels: the string fields of {@code
   * metadata.filter_metadata["envoy.transport_socket_match"]}, which a cluster's {@code
   * transport_socket_matches} select on. Other metadata is refused by the supported-fields check:
   * nothing in Bowline's proxy reads it.
   */
  private static Map<String, String> socketLabels(LbEndpoint host, String path, Problems problems) {
    if (!host.hasMetadata()) {
      return Map.of();
    }
    Map<String, String> labels = new TreeMap<>();
    host.getMetadata().getFilterMetadataMap().forEach((namespace, struct) -> {
      String at = Problems.join(path, "filter_metadata[\"" + namespace + "\"]");
      if (!namespace.equals(TransportSocketMatch.METADATA_NAMESPACE)) {
        return; // refused by the supported-fields check
      }
      struct.getFieldsMap().forEach((key, value) -> {
        if (value.getKindCase() == Value.KindCase.STRING_VALUE) {
          labels.put(key, value.getStringValue());
        } else {
          problems.add(Problems.join(at, key), "must be a string");
        }
      });
    });
    return labels;
  }

  private static HealthStatus health(LbEndpoint host, String path, Problems problems) {
    switch (host.getHealthStatus()) {
      case HEALTHY:
        return HealthStatus.HEALTHY;
      case UNHEALTHY:
      case TIMEOUT:
        return HealthStatus.UNHEALTHY;
      case DRAINING:
        return HealthStatus.DRAINING;
      case UNKNOWN:
        return HealthStatus.UNKNOWN;
      default:
        problems.add(path, host.getHealthStatus() + " is not supported by Bowline yet (supported:"
            + " UNKNOWN, HEALTHY, UNHEALTHY, DRAINING, TIMEOUT)");
        return HealthStatus.UNKNOWN;
    }
  }
}
