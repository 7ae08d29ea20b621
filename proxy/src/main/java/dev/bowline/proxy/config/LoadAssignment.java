package dev.bowline.proxy.config;

import dev.bowline.spi.model.Endpoint;
import java.util.List;

/**
 * A cluster's endpoints as Envoy's {@code ClusterLoadAssignment} gives them: each endpoint with its
 * priority level, and the policy by which load spills from one level to the next.
 *
 * @param endpoints the endpoints in the order given, each with its priority
 * @param overprovisioningFactor {@code policy.overprovisioning_factor} in percent (Envoy's
 *     default 140): a level whose healthy share times this factor reaches 100% takes all the load
 *     it is offered
 * @param weightedPriorityHealth {@code policy.weighted_priority_health}: a level's health is the
 *     healthy share of its endpoints' weights rather than of their number
 */
public record LoadAssignment(
    List<PrioritizedEndpoint> endpoints, int overprovisioningFactor, boolean weightedPriorityHealth) {

  /** Envoy's default {@code overprovisioning_factor}. */
  public static final int DEFAULT_OVERPROVISIONING_FACTOR = 140;

  /** No endpoints, default policy. */
  public static final LoadAssignment EMPTY = of(List.of());

  public LoadAssignment {
    endpoints = List.copyOf(endpoints);
    if (overprovisioningFactor < 1) {
      throw new IllegalArgumentException(
          "overprovisioning factor " + overprovisioningFactor + " is below 1");
    }
  }

  /** These endpoints, all at priority 0, with the default policy. */
  public static LoadAssignment of(List<Endpoint> endpoints) {
    return new LoadAssignment(
        endpoints.stream().map(e -> new PrioritizedEndpoint(e, 0)).toList(),
        DEFAULT_OVERPROVISIONING_FACTOR,
        false);
  }

  /** The endpoints without their priorities, in order. */
  public List<Endpoint> plainEndpoints() {
    return endpoints.stream().map(PrioritizedEndpoint::endpoint).toList();
  }

  /** This assignment's policy with other endpoints. */
  public LoadAssignment withEndpoints(List<PrioritizedEndpoint> others) {
    return new LoadAssignment(others, overprovisioningFactor, weightedPriorityHealth);
  }
}
