package dev.bowline.kernel.pilot.translate;

import dev.bowline.kernel.pilot.istio.DestinationRule.PortTrafficPolicy;
import dev.bowline.kernel.pilot.istio.DestinationRule.TrafficPolicy;
import java.util.List;

/**
 * Istio's merge of the traffic policies that apply to one cluster: the rule-level policy and the
 * subset's, each first narrowed to the cluster's port by its {@code portLevelSettings} (a port's
 * load balancer, connection pool, outlier detection and TLS each replace the policy's), then the
 * subset's top-level fields each replacing the rule's. So a field is taken, in order, from the
 * subset's port settings, the subset, the rule's port settings, the rule. Stateless.
 */
final class TrafficPolicies {

  private TrafficPolicies() {}

  /** The policy of port {@code port} of a subset ({@code subset} null for none), or null. */
  static TrafficPolicy effective(TrafficPolicy rule, TrafficPolicy subset, int port) {
    TrafficPolicy r = forPort(rule, port);
    TrafficPolicy s = forPort(subset, port);
    if (s == null) {
      return r;
    }
    if (r == null) {
      return s;
    }
    return new TrafficPolicy(
        s.loadBalancer() != null ? s.loadBalancer() : r.loadBalancer(),
        s.connectionPool() != null ? s.connectionPool() : r.connectionPool(),
        s.outlierDetection() != null ? s.outlierDetection() : r.outlierDetection(),
        s.tls() != null ? s.tls() : r.tls(),
        List.of(),
        s.tunnel() != null ? s.tunnel() : r.tunnel(),
        s.proxyProtocol() != null ? s.proxyProtocol() : r.proxyProtocol());
  }

  /** {@code policy} with the settings of {@code port} in its {@code portLevelSettings} applied. */
  static TrafficPolicy forPort(TrafficPolicy policy, int port) {
    if (policy == null) {
      return null;
    }
    for (PortTrafficPolicy p : policy.portLevelSettings()) {
      if (p.port() != null && p.port().number() == port) {
        return new TrafficPolicy(
            p.loadBalancer() != null ? p.loadBalancer() : policy.loadBalancer(),
            p.connectionPool() != null ? p.connectionPool() : policy.connectionPool(),
            p.outlierDetection() != null ? p.outlierDetection() : policy.outlierDetection(),
            p.tls() != null ? p.tls() : policy.tls(),
            List.of(),
            policy.tunnel(),
            policy.proxyProtocol());
      }
    }
    return policy.portLevelSettings().isEmpty()
        ? policy
        : new TrafficPolicy(
            policy.loadBalancer(),
            policy.connectionPool(),
            policy.outlierDetection(),
            policy.tls(),
            List.of(),
            policy.tunnel(),
            policy.proxyProtocol());
  }
}
