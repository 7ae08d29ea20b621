package dev.bowline.kernel.pilot.translate;

import com.google.protobuf.UInt32Value;
import dev.bowline.kernel.pilot.istio.DestinationRule.LocalityLbSetting;
import dev.bowline.kernel.pilot.istio.DestinationRule.TrafficPolicy;
import dev.bowline.spi.model.Endpoint;
import dev.bowline.spi.model.Locality;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Istio's locality load balancing: the endpoints a proxy gets for a cluster, weighted or
 * prioritised by where the proxy runs.
 *
 * <ul>
 *   <li>The setting in force is the DestinationRule's {@code loadBalancer.localityLbSetting} (of
 *       the cluster's port and subset), else the mesh default, which is enabled with no rules;
 *       {@code enabled: false} turns it off.
 *   <li>{@code distribute}: the first rule whose {@code from} matches the proxy's locality ({@code
 *       *} matches any part; a missing zone or subzone any) sets the weight of each locality
 *       matching a {@code to} key (a key's weight shared among the localities it matches, in
 *       proportion to their own weights, rounded up); localities no key matches, or given weight
 *       0, get no traffic and are left out.
 *   <li>Failover (only when the cluster has {@code outlierDetection}, Istio's rule, since without
 *       ejection traffic never leaves priority 0): each locality gets priority 0 when region, zone
 *       and subzone equal the proxy's, 1 when region and zone do, 2 when the region does, else 3,
 *       or 4 when a {@code failover} rule from the proxy's region names another region. With
 *       {@code failoverPriority} (label names, or {@code name=value} to fix the value), endpoints
 *       are first split by how many of those labels, in order, they share with the proxy (all: 0);
 *       {@code failover} rules then refine each level. Priorities are renumbered 0..N without
 *       gaps. Proxy and endpoint labels include the topology labels of their localities ({@code
 *       topology.kubernetes.io/region}, {@code topology.kubernetes.io/zone}, {@code
 *       topology.istio.io/subzone}).
 * </ul>
 *
 * Where Istio gives the cluster {@code common_lb_config.locality_weighted_lb_config} (with {@code
 * distribute}, or failover rules that apply), Pilot does not: the proxy weighs endpoints, not
 * localities. With {@code distribute}, each locality's weight is folded into its endpoints' weights
 * instead (see {@link #foldLocalityWeights}); otherwise a locality's weight is the sum of its
 * endpoints' and endpoint weights alone give the same shares. Stateless.
 */
final class LocalityLoadBalancing {

  static final String REGION_LABEL = "topology.kubernetes.io/region";
  static final String ZONE_LABEL = "topology.kubernetes.io/zone";
  static final String SUBZONE_LABEL = "topology.istio.io/subzone";

  private static final LocalityLbSetting MESH_DEFAULT =
      new LocalityLbSetting(List.of(), List.of(), List.of(), true);

  private LocalityLoadBalancing() {}

  /** The locality setting in force for a cluster of {@code policy}, or null when disabled. */
  static LocalityLbSetting setting(TrafficPolicy policy) {
    LocalityLbSetting own =
        policy == null || policy.loadBalancer() == null
            ? null
            : policy.loadBalancer().localityLbSetting();
    LocalityLbSetting s = own != null ? own : MESH_DEFAULT;
    return Boolean.FALSE.equals(s.enabled()) ? null : s;
  }

  private static boolean hasOutlierDetection(TrafficPolicy policy) {
    return policy != null && policy.outlierDetection() != null;
  }

  /** Whether the endpoints of a cluster of {@code policy} depend on the proxy's locality. */
  static boolean perProxy(TrafficPolicy policy) {
    LocalityLbSetting s = setting(policy);
    return s != null && (!s.distribute().isEmpty() || hasOutlierDetection(policy));
  }

  /** The label names the endpoints of a cluster of {@code policy} are prioritised by. */
  static List<String> priorityLabels(TrafficPolicy policy) {
    LocalityLbSetting s = setting(policy);
    if (s == null || !s.distribute().isEmpty() || !hasOutlierDetection(policy)) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (String l : s.failoverPriority()) {
      names.add(l.split("=", 2)[0]);
    }
    return names;
  }

  /** A locality group of endpoints and its priority and weight while rules are applied. */
  private static final class Group {
    final Locality locality;
    final List<Endpoint> endpoints;
    int priority;
    long weight;

    Group(Locality locality, List<Endpoint> endpoints, int priority) {
      this.locality = locality;
      this.endpoints = endpoints;
      this.priority = priority;
      this.weight = Math.max(1, endpoints.stream().mapToLong(Endpoint::weight).sum());
    }
  }

  /**
   * The assignment named {@code clusterName} of the endpoint {@code groups} for a proxy at {@code
   * proxy} with {@code proxyLabels}, under {@code policy}.
   */
  static ClusterLoadAssignment assignment(
      String clusterName,
      TreeMap<Locality, List<Endpoint>> groups,
      TrafficPolicy policy,
      Locality proxy,
      Map<String, String> proxyLabels) {
    LocalityLbSetting s = setting(policy);
    List<Group> out = new ArrayList<>();
    groups.forEach((l, e) -> out.add(new Group(l, e, 0)));
    List<Group> result = out;
    if (s != null && !s.distribute().isEmpty()) {
      result = distribute(out, s.distribute(), proxy);
    } else if (s != null && hasOutlierDetection(policy)) {
      if (!s.failoverPriority().isEmpty()) {
        result = failoverPriority(out, s.failoverPriority(), withTopology(proxyLabels, proxy));
        if (!s.failover().isEmpty()) {
          localityFailover(result, s.failover(), proxy);
        }
      } else {
        localityFailover(result, s.failover(), proxy);
      }
      renumber(result);
    }
    result.sort(Comparator.comparingInt((Group g) -> g.priority));
    ClusterLoadAssignment.Builder cla = ClusterLoadAssignment.newBuilder().setClusterName(clusterName);
    for (Group g : result) {
      LocalityLbEndpoints.Builder b = LoadAssignments.localityEndpoints(g.locality, g.endpoints);
      b.setLoadBalancingWeight(UInt32Value.of((int) Math.min(g.weight, Integer.MAX_VALUE)));
      if (g.priority > 0) {
        b.setPriority(g.priority);
      }
      cla.addEndpoints(b);
    }
    if (result != out) {
      foldLocalityWeights(cla);
    }
    return cla.build();
  }

  /** Below this common multiple of the localities' endpoint weights, folding is exact. */
  private static final long EXACT_FOLD_LIMIT = 1_000_000;
  /** Otherwise each locality's weight is split at this resolution (per locality weight unit). */
  private static final long FOLD_RESOLUTION = 10_000;

  /**
   * Moves the localities' weights into their endpoints' weights: an endpoint of weight {@code w}
   * in a locality of weight {@code W} whose endpoints weigh {@code S} together gets {@code w * W /
   * S} (scaled to whole numbers, then divided by their greatest common divisor). A balancer that
   * weighs endpoints then sends each locality its share without locality-weighted balancing, the
   * way Envoy's hashing balancers fold locality weights into host weights. The locality weights
   * stay (proxyless gRPC clients weigh localities themselves and endpoints not at all).
   */
  private static void foldLocalityWeights(ClusterLoadAssignment.Builder cla) {
    long lcm = 1;
    for (LocalityLbEndpoints l : cla.getEndpointsList()) {
      lcm = lcm(lcm, endpointWeight(l));
      if (lcm > EXACT_FOLD_LIMIT) {
        break;
      }
    }
    boolean exact = lcm <= EXACT_FOLD_LIMIT;
    List<long[]> weights = new ArrayList<>();
    long gcd = 0;
    for (LocalityLbEndpoints l : cla.getEndpointsList()) {
      long sum = endpointWeight(l);
      long[] w = new long[l.getLbEndpointsCount()];
      for (int i = 0; i < w.length; i++) {
        long own = l.getLbEndpoints(i).getLoadBalancingWeight().getValue();
        long locality = l.getLoadBalancingWeight().getValue();
        w[i] =
            exact
                ? own * locality * (lcm / sum)
                : Math.max(1, Math.round((double) own * locality * FOLD_RESOLUTION / sum));
        gcd = gcd(gcd, w[i]);
      }
      weights.add(w);
    }
    for (int l = 0; l < weights.size(); l++) {
      LocalityLbEndpoints.Builder b = cla.getEndpointsBuilder(l);
      long[] w = weights.get(l);
      for (int i = 0; i < w.length; i++) {
        long folded = Math.min(Integer.MAX_VALUE, w[i] / Math.max(1, gcd));
        b.getLbEndpointsBuilder(i).setLoadBalancingWeight(UInt32Value.of((int) folded));
      }
    }
  }

  private static long endpointWeight(LocalityLbEndpoints l) {
    long sum = 0;
    for (var e : l.getLbEndpointsList()) {
      sum += e.getLoadBalancingWeight().getValue();
    }
    return Math.max(1, sum);
  }

  private static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  private static long lcm(long a, long b) {
    return a / gcd(a, b) * b;
  }

  private static List<Group> distribute(
      List<Group> groups, List<LocalityLbSetting.Distribute> rules, Locality proxy) {
    for (LocalityLbSetting.Distribute rule : rules) {
      if (rule.from() == null || !matches(proxy, rule.from())) {
        continue;
      }
      List<Group> kept = new ArrayList<>();
      List<Group> unmatched = new ArrayList<>(groups);
      // The most specific keys first, so that a wildcard takes only what no exact key claims.
      List<String> keys = new ArrayList<>(new TreeSet<>(rule.to().keySet()));
      keys.sort(Comparator.comparingInt(LocalityLoadBalancing::wildcards).thenComparing(k -> k));
      for (String key : keys) {
        int weight = rule.to().get(key) == null ? 0 : rule.to().get(key);
        List<Group> matched = new ArrayList<>();
        long total = 0;
        for (Group g : unmatched) {
          if (matches(g.locality, key)) {
            matched.add(g);
            total += g.weight;
          }
        }
        unmatched.removeAll(matched);
        if (weight <= 0) {
          continue;
        }
        for (Group g : matched) {
          g.weight = Math.max(1, (long) Math.ceil((double) g.weight * weight / total));
          kept.add(g);
        }
      }
      kept.sort(Comparator.comparing((Group g) -> g.locality.toString()));
      return kept;
    }
    return groups;
  }

  private static int wildcards(String locality) {
    int n = 0;
    for (String part : locality.split("/", -1)) {
      if (part.equals("*")) {
        n++;
      }
    }
    return n + (3 - locality.split("/", -1).length);
  }

  /** Istio's match of a locality against {@code region/zone/subzone} with {@code *} wildcards. */
  static boolean matches(Locality locality, String rule) {
    String[] parts = rule.split("/", -1);
    String region = parts[0];
    String zone = parts.length > 1 ? parts[1] : "";
    String subzone = parts.length > 2 ? parts[2] : "";
    return (region.equals("*") || region.equals(locality.region()))
        && (zone.equals("*") || zone.isEmpty() || zone.equals(locality.zone()))
        && (subzone.equals("*") || subzone.isEmpty() || subzone.equals(locality.subzone()));
  }

  private static List<Group> failoverPriority(
      List<Group> groups, List<String> priorities, Map<String, String> proxyLabels) {
    if (proxyLabels.isEmpty()) {
      return groups;
    }
    List<String> names = new ArrayList<>();
    Map<String, String> fixed = new HashMap<>();
    for (String p : priorities) {
      String[] kv = p.split("=", 2);
      names.add(kv[0]);
      if (kv.length == 2) {
        fixed.put(kv[0], kv[1]);
      }
    }
    List<Group> out = new ArrayList<>();
    for (Group g : groups) {
      TreeMap<Integer, List<Endpoint>> byPriority = new TreeMap<>();
      for (Endpoint e : g.endpoints) {
        Map<String, String> labels = withTopology(e.labels(), e.locality());
        int priority = 0;
        for (int j = 0; j < names.size(); j++) {
          String name = names.get(j);
          String want = fixed.containsKey(name) ? fixed.get(name) : proxyLabels.getOrDefault(name, "");
          if (!want.equals(labels.getOrDefault(name, ""))) {
            priority = names.size() - j;
            break;
          }
        }
        byPriority.computeIfAbsent(priority, k -> new ArrayList<>()).add(e);
      }
      byPriority.forEach((p, members) -> out.add(new Group(g.locality, members, p)));
    }
    renumber(out);
    return out;
  }

  private static void localityFailover(
      List<Group> groups, List<LocalityLbSetting.Failover> failover, Locality proxy) {
    for (Group g : groups) {
      int priority = lbPriority(proxy, g.locality);
      if (priority == 3) {
        for (LocalityLbSetting.Failover f : failover) {
          if (proxy.region().equals(f.from())) {
            if (!g.locality.region().equals(f.to())) {
              priority = 4;
            }
            break;
          }
        }
      }
      g.priority = g.priority * 5 + priority;
    }
  }

  private static int lbPriority(Locality proxy, Locality endpoints) {
    if (!proxy.region().equals(endpoints.region())) {
      return 3;
    }
    if (!proxy.zone().equals(endpoints.zone())) {
      return 2;
    }
    return proxy.subzone().equals(endpoints.subzone()) ? 0 : 1;
  }

  /** Renumbers the priorities in use to 0..N, keeping their order. */
  private static void renumber(List<Group> groups) {
    TreeSet<Integer> used = new TreeSet<>();
    groups.forEach(g -> used.add(g.priority));
    Map<Integer, Integer> dense = new HashMap<>();
    for (int p : used) {
      dense.put(p, dense.size());
    }
    groups.forEach(g -> g.priority = dense.get(g.priority));
  }

  /** {@code labels} plus the topology labels of {@code locality} that are not set already. */
  static Map<String, String> withTopology(Map<String, String> labels, Locality locality) {
    Map<String, String> out = new LinkedHashMap<>(labels);
    if (!locality.region().isEmpty()) {
      out.putIfAbsent(REGION_LABEL, locality.region());
    }
    if (!locality.zone().isEmpty()) {
      out.putIfAbsent(ZONE_LABEL, locality.zone());
    }
    if (!locality.subzone().isEmpty()) {
      out.putIfAbsent(SUBZONE_LABEL, locality.subzone());
    }
    return out;
  }
}
