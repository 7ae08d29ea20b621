package dev.bowline.kernel.pilot.config;

import static dev.bowline.kernel.pilot.config.FieldPaths.field;
import static dev.bowline.kernel.pilot.config.FieldPaths.index;
import static dev.bowline.kernel.pilot.config.UnappliedFieldScanner.isSet;

import dev.bowline.kernel.pilot.istio.DestinationRule;
import dev.bowline.kernel.pilot.istio.DestinationRule.ConnectionPoolSettings;
import dev.bowline.kernel.pilot.istio.DestinationRule.ConsistentHashLb;
import dev.bowline.kernel.pilot.istio.DestinationRule.LocalityLbSetting;
import dev.bowline.kernel.pilot.istio.DestinationRule.OutlierDetection;
import dev.bowline.kernel.pilot.istio.DestinationRule.PortTrafficPolicy;
import dev.bowline.kernel.pilot.istio.DestinationRule.HttpSettings;
import dev.bowline.kernel.pilot.istio.DestinationRule.LoadBalancerSettings;
import dev.bowline.kernel.pilot.istio.DestinationRule.Subset;
import dev.bowline.kernel.pilot.istio.DestinationRule.TcpSettings;
import dev.bowline.kernel.pilot.istio.DestinationRule.TrafficPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks a DestinationRule spec with Istio's rules: the host, unique subset names that are DNS
 * labels, traffic policies (load balancer with consistent hash and locality settings, connection
 * pool limits and durations, outlier detection, port level settings). Warns about the typed
 * fields Bowline does not apply yet (PASSTHROUGH) and about failover without outlier detection. Stateless.
 */
final class DestinationRuleValidator {

  private static final List<String> SIMPLE_LB =
      List.of("UNSPECIFIED", "ROUND_ROBIN", "LEAST_CONN", "LEAST_REQUEST", "RANDOM", "PASSTHROUGH");
  /** Envoy's largest ring of a ring hash balancer (its maximum_ring_size default). */
  static final long MAX_RING_SIZE = 8_388_608L;
  /** Envoy's largest Maglev table. */
  static final long MAX_MAGLEV_TABLE = 5_000_011L;
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
      trafficPolicy(s.trafficPolicy(), dr.trafficPolicy(), field(at, "trafficPolicy"), v);
    }
    ExportToValidator.check(dr.exportTo(), namespace, "spec.exportTo", false, v);
  }

  private static void trafficPolicy(TrafficPolicy p, String path, Validation v) {
    trafficPolicy(p, null, path, v);
  }

  /** Checks a policy; {@code enclosing} is the rule-level policy a subset's inherits from. */
  private static void trafficPolicy(
      TrafficPolicy p, TrafficPolicy enclosing, String path, Validation v) {
    if (p == null) {
      return;
    }
    if (p.loadBalancer() == null && p.connectionPool() == null && p.outlierDetection() == null
        && p.tls() == null && p.portLevelSettings().isEmpty() && !isSet(p.tunnel())
        && !isSet(p.proxyProtocol())) {
      v.error(path, "a traffic policy must set at least one field");
    }
    boolean outlier = p.outlierDetection() != null
        || (enclosing != null && enclosing.outlierDetection() != null);
    loadBalancer(p.loadBalancer(), outlier, field(path, "loadBalancer"), v);
    connectionPool(p.connectionPool(), field(path, "connectionPool"), v);
    outlierDetection(p.outlierDetection(), field(path, "outlierDetection"), v);
    ClientTlsValidator.validate(p.tls(), field(path, "tls"), v);
    Map<Integer, Integer> ports = new HashMap<>();
    for (int i = 0; i < p.portLevelSettings().size(); i++) {
      PortTrafficPolicy pls = p.portLevelSettings().get(i);
      String at = index(field(path, "portLevelSettings"), i);
      if (pls.port() == null || pls.port().number() == 0) {
        v.error(field(at, "port.number"), "required");
      } else {
        PortNumbers.check(pls.port().number(), field(at, "port.number"), v);
        Integer first = ports.putIfAbsent(pls.port().number(), i);
        if (first != null) {
          v.error(field(at, "port.number"), "port " + pls.port().number()
              + " has settings already (portLevelSettings[" + first + "])");
        }
      }
      if (pls.loadBalancer() == null && pls.connectionPool() == null
          && pls.outlierDetection() == null && pls.tls() == null) {
        v.error(at, "port level settings must set at least one of loadBalancer, connectionPool,"
            + " outlierDetection or tls");
      }
      loadBalancer(pls.loadBalancer(), outlier || pls.outlierDetection() != null,
          field(at, "loadBalancer"), v);
      connectionPool(pls.connectionPool(), field(at, "connectionPool"), v);
      outlierDetection(pls.outlierDetection(), field(at, "outlierDetection"), v);
      ClientTlsValidator.validate(pls.tls(), field(at, "tls"), v);
    }
  }

  private static void loadBalancer(
      LoadBalancerSettings lb, boolean outlierDetection, String path, Validation v) {
    if (lb == null) {
      return;
    }
    if (lb.simple() != null) {
      if (!SIMPLE_LB.contains(lb.simple())) {
        v.error(field(path, "simple"), "must be one of " + String.join(", ", SIMPLE_LB)
            + ", found \"" + lb.simple() + "\"");
      } else if (lb.simple().equals("LEAST_CONN")) {
        v.warn(field(path, "simple"), "LEAST_CONN is deprecated; it means LEAST_REQUEST");
      } else if (lb.simple().equals("PASSTHROUGH")) {
        v.notApplied(field(path, "simple"), "PASSTHROUGH needs original destination clusters;"
            + " ROUND_ROBIN is used");
      }
      if (lb.consistentHash() != null) {
        v.error(path, "only one of simple or consistentHash may be set");
      }
    }
    consistentHash(lb.consistentHash(), field(path, "consistentHash"), v);
    localityLb(lb.localityLbSetting(), outlierDetection, field(path, "localityLbSetting"), v);
  }

  private static void consistentHash(ConsistentHashLb ch, String path, Validation v) {
    if (ch == null) {
      return;
    }
    List<String> keys = new ArrayList<>();
    if (ch.httpHeaderName() != null) {
      keys.add("httpHeaderName");
      if (ch.httpHeaderName().isEmpty()) {
        v.error(field(path, "httpHeaderName"), "must not be empty");
      }
    }
    if (ch.httpCookie() != null) {
      keys.add("httpCookie");
      String at = field(path, "httpCookie");
      if (ch.httpCookie().name() == null || ch.httpCookie().name().isEmpty()) {
        v.error(field(at, "name"), "required");
      }
      IstioDuration.check(ch.httpCookie().ttl(), field(at, "ttl"), v);
    }
    if (Boolean.TRUE.equals(ch.useSourceIp())) {
      keys.add("useSourceIp");
    }
    if (ch.httpQueryParameterName() != null) {
      keys.add("httpQueryParameterName");
      if (ch.httpQueryParameterName().isEmpty()) {
        v.error(field(path, "httpQueryParameterName"), "must not be empty");
      }
    }
    if (keys.isEmpty()) {
      v.error(path, "one of httpHeaderName, httpCookie, useSourceIp or httpQueryParameterName is required");
    } else if (keys.size() > 1) {
      v.error(path, "only one hash key may be set, found " + String.join(" and ", keys));
    }
    List<String> rings = new ArrayList<>();
    if (ch.ringHash() != null) {
      rings.add("ringHash");
      ringSize(ch.ringHash().minimumRingSize(), field(path, "ringHash.minimumRingSize"), v);
    }
    if (ch.maglev() != null) {
      rings.add("maglev");
      long size = ch.maglev().tableSize();
      if (size != 0 && (size < 0 || size > MAX_MAGLEV_TABLE || !isPrime(size))) {
        v.error(field(path, "maglev.tableSize"), "must be a prime number up to " + MAX_MAGLEV_TABLE
            + ", found " + size);
      }
    }
    if (ch.minimumRingSize() != 0) {
      rings.add("minimumRingSize");
      ringSize(ch.minimumRingSize(), field(path, "minimumRingSize"), v);
      v.warn(field(path, "minimumRingSize"), "deprecated; use ringHash.minimumRingSize");
    }
    if (rings.size() > 1) {
      v.error(path, "only one of ringHash, maglev or minimumRingSize may be set, found "
          + String.join(" and ", rings));
    }
  }

  private static void ringSize(long size, String path, Validation v) {
    if (size < 0 || size > MAX_RING_SIZE) {
      v.error(path, "must be between 1 and " + MAX_RING_SIZE + ", found " + size);
    }
  }

  private static boolean isPrime(long n) {
    if (n < 2) {
      return false;
    }
    for (long d = 2; d * d <= n; d++) {
      if (n % d == 0) {
        return false;
      }
    }
    return true;
  }

  private static void localityLb(
      LocalityLbSetting l, boolean outlierDetection, String path, Validation v) {
    if (l == null) {
      return;
    }
    if (!l.distribute().isEmpty() && !l.failover().isEmpty()) {
      v.error(path, "only one of distribute or failover may be set");
    }
    if (!l.distribute().isEmpty() && !l.failoverPriority().isEmpty()) {
      v.error(path, "only one of distribute or failoverPriority may be set");
    }
    for (int i = 0; i < l.distribute().size(); i++) {
      LocalityLbSetting.Distribute d = l.distribute().get(i);
      String at = index(field(path, "distribute"), i);
      locality(d.from(), field(at, "from"), v);
      if (d.to().isEmpty()) {
        v.error(field(at, "to"), "at least one locality is required");
      }
      int sum = 0;
      for (Map.Entry<String, Integer> e : new TreeMap<>(d.to()).entrySet()) {
        String to = FieldPaths.key(field(at, "to"), e.getKey());
        locality(e.getKey(), to, v);
        int w = e.getValue() == null ? 0 : e.getValue();
        if (w < 0 || w > 100) {
          v.error(to, "must be between 0 and 100, found " + w);
        }
        sum += w;
      }
      if (!d.to().isEmpty() && sum != 100) {
        v.error(field(at, "to"), "weights sum to " + sum + ", not 100");
      }
    }
    for (int i = 0; i < l.failover().size(); i++) {
      LocalityLbSetting.Failover f = l.failover().get(i);
      String at = index(field(path, "failover"), i);
      region(f.from(), field(at, "from"), v);
      region(f.to(), field(at, "to"), v);
      if (f.from() != null && f.from().equals(f.to())) {
        v.error(at, "from and to must be different regions, found \"" + f.from() + "\" for both");
      }
    }
    for (int i = 0; i < l.failoverPriority().size(); i++) {
      String label = l.failoverPriority().get(i);
      String name = label == null ? "" : label.split("=", 2)[0];
      String at = index(field(path, "failoverPriority"), i);
      KubernetesNames.labelKeyError(name).ifPresent(m -> v.error(at, m));
    }
    if ((!l.failover().isEmpty() || !l.failoverPriority().isEmpty()) && !outlierDetection
        && !Boolean.FALSE.equals(l.enabled())) {
      v.warn(path, "failover takes effect only with outlierDetection (Istio's rule): without it"
          + " endpoints are never ejected, so traffic never fails over");
    }
  }

  private static void locality(String text, String path, Validation v) {
    if (text == null || text.isEmpty()) {
      v.error(path, "required");
      return;
    }
    String[] parts = text.split("/", -1);
    if (parts.length > 3) {
      v.error(path, "\"" + text + "\" has more than three parts (region/zone/subzone)");
      return;
    }
    for (int i = 0; i < parts.length; i++) {
      if (parts[i].isEmpty()) {
        v.error(path, "\"" + text + "\" has an empty part");
        return;
      }
      if (parts[i].equals("*") && i < parts.length - 1) {
        v.error(path, "\"" + text + "\": the wildcard * may only be the last part");
        return;
      }
    }
  }

  private static void region(String text, String path, Validation v) {
    if (text == null || text.isEmpty()) {
      v.error(path, "required");
    } else if (text.contains("/") || text.contains("*")) {
      v.error(path, "must be a region (no / or *), found \"" + text + "\"");
    }
  }

  private static void outlierDetection(OutlierDetection o, String path, Validation v) {
    if (o == null) {
      return;
    }
    nonNegative(o.consecutive5xxErrors(), field(path, "consecutive5xxErrors"), v);
    nonNegative(o.consecutiveGatewayErrors(), field(path, "consecutiveGatewayErrors"), v);
    nonNegative(o.consecutiveLocalOriginFailures(), field(path, "consecutiveLocalOriginFailures"), v);
    IstioDuration.check(o.interval(), field(path, "interval"), v);
    IstioDuration.check(o.baseEjectionTime(), field(path, "baseEjectionTime"), v);
    percent(o.maxEjectionPercent(), field(path, "maxEjectionPercent"), v);
    percent(o.minHealthPercent(), field(path, "minHealthPercent"), v);
    if (o.consecutiveLocalOriginFailures() != null && !o.splitExternalLocalOriginErrors()) {
      v.warn(field(path, "consecutiveLocalOriginFailures"),
          "has no effect unless splitExternalLocalOriginErrors is true");
    }
  }

  private static void percent(int value, String path, Validation v) {
    if (value < 0 || value > 100) {
      v.error(path, "must be between 0 and 100, found " + value);
    }
  }

  private static void nonNegative(Integer value, String path, Validation v) {
    if (value != null) {
      nonNegative(value.intValue(), path, v);
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
