package dev.bowline.kernel.pilot.config;

import static dev.bowline.kernel.pilot.config.FieldPaths.field;
import static dev.bowline.kernel.pilot.config.FieldPaths.index;
import static dev.bowline.kernel.pilot.config.UnappliedFieldScanner.isSet;

import dev.bowline.kernel.pilot.istio.DestinationRule;
import dev.bowline.kernel.pilot.istio.DestinationRule.ConnectionPoolSettings;
import dev.bowline.kernel.pilot.istio.DestinationRule.HttpSettings;
import dev.bowline.kernel.pilot.istio.DestinationRule.LoadBalancerSettings;
import dev.bowline.kernel.pilot.istio.DestinationRule.Subset;
import dev.bowline.kernel.pilot.istio.DestinationRule.TcpSettings;
import dev.bowline.kernel.pilot.istio.DestinationRule.TrafficPolicy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a DestinationRule spec with Istio's rules: the host, unique subset names that are DNS
 * labels, traffic policies (load balancer, connection pool limits and durations). Warns about
 * the typed fields Bowline does not apply yet. Stateless.
 */
final class DestinationRuleValidator {

  private static final List<String> SIMPLE_LB =
      List.of("UNSPECIFIED", "ROUND_ROBIN", "LEAST_CONN", "LEAST_REQUEST", "RANDOM", "PASSTHROUGH");
  private static final List<String> H2_UPGRADE = List.of("DEFAULT", "DO_NOT_UPGRADE", "UPGRADE");

  private DestinationRuleValidator() {}

  static void validate(DestinationRule dr, String namespace, Validation v) {
    if (dr.host() == null || dr.host().isEmpty()) {
      v.error("spec.host", "required");
    } else {
      HostNames.wildcardDomainError(dr.host()).ifPresent(m -> v.error("spec.host", m));
    }
    trafficPolicy(dr.trafficPolicy(), "spec.trafficPolicy", v);
    Map<String, Integer> names = new HashMap<>();
    for (int i = 0; i < dr.subsets().size(); i++) {
      Subset s = dr.subsets().get(i);
      String at = index("spec.subsets", i);
      if (s.name() == null || s.name().isEmpty()) {
        v.error(field(at, "name"), "required");
      } else if (!KubernetesNames.isDnsLabel(s.name())) {
        v.error(field(at, "name"), "\"" + s.name() + "\" is not a valid subset name (a DNS-1123 label)");
      } else {
        Integer first = names.putIfAbsent(s.name(), i);
        if (first != null) {
          v.error(field(at, "name"), "duplicate subset name \"" + s.name() + "\" (also subsets[" + first + "])");
        }
      }
      KubernetesNames.checkLabels(s.labels(), field(at, "labels"), v);
      trafficPolicy(s.trafficPolicy(), field(at, "trafficPolicy"), v);
    }
    ExportToValidator.check(dr.exportTo(), namespace, "spec.exportTo", false, v);
  }

  private static void trafficPolicy(TrafficPolicy p, String path, Validation v) {
    if (p == null) {
      return;
    }
    if (p.loadBalancer() == null && p.connectionPool() == null && !isSet(p.outlierDetection())
        && !isSet(p.tls()) && !isSet(p.portLevelSettings()) && !isSet(p.tunnel()) && !isSet(p.proxyProtocol())) {
      v.error(path, "a traffic policy must set at least one field");
    }
    loadBalancer(p.loadBalancer(), field(path, "loadBalancer"), v);
    connectionPool(p.connectionPool(), field(path, "connectionPool"), v);
  }

  private static void loadBalancer(LoadBalancerSettings lb, String path, Validation v) {
    if (lb == null) {
      return;
    }
    if (lb.simple() != null) {
      if (!SIMPLE_LB.contains(lb.simple())) {
        v.error(field(path, "simple"), "must be one of " + String.join(", ", SIMPLE_LB)
            + ", found \"" + lb.simple() + "\"");
      } else if (lb.simple().equals("LEAST_CONN")) {
        v.warn(field(path, "simple"), "LEAST_CONN is deprecated; it means LEAST_REQUEST");
      }
      if (isSet(lb.consistentHash())) {
        v.error(path, "only one of simple or consistentHash may be set");
      }
    }
  }

  private static void connectionPool(ConnectionPoolSettings pool, String path, Validation v) {
    if (pool == null) {
      return;
    }
    if (pool.tcp() == null && pool.http() == null) {
      v.error(path, "a connection pool must set tcp or http");
    }
    TcpSettings tcp = pool.tcp();
    if (tcp != null) {
      String at = field(path, "tcp");
      nonNegative(tcp.maxConnections(), field(at, "maxConnections"), v);
      IstioDuration.check(tcp.connectTimeout(), field(at, "connectTimeout"), v);
    }
    HttpSettings http = pool.http();
    if (http != null) {
      String at = field(path, "http");
      nonNegative(http.http1MaxPendingRequests(), field(at, "http1MaxPendingRequests"), v);
      nonNegative(http.http2MaxRequests(), field(at, "http2MaxRequests"), v);
      nonNegative(http.maxRequestsPerConnection(), field(at, "maxRequestsPerConnection"), v);
      nonNegative(http.maxRetries(), field(at, "maxRetries"), v);
      IstioDuration.check(http.idleTimeout(), field(at, "idleTimeout"), v);
      if (http.h2UpgradePolicy() != null && !H2_UPGRADE.contains(http.h2UpgradePolicy())) {
        v.error(field(at, "h2UpgradePolicy"), "must be one of " + String.join(", ", H2_UPGRADE)
            + ", found \"" + http.h2UpgradePolicy() + "\"");
      }
    }
  }

  private static void nonNegative(int value, String path, Validation v) {
    if (value < 0) {
      v.error(path, "must not be negative, found " + value);
    }
  }
}
