package dev.bowline.kernel.pilot.translate;

import dev.bowline.spi.model.Endpoint;
import dev.bowline.spi.model.Locality;
import dev.bowline.spi.platform.PlatformSnapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The memo of one push: everything a translation computes that does not depend on the individual
 * proxy, computed at most once per {@link PushContext}. Outbound clusters and endpoints are shared
 * by every proxy; the sidecar route table, the proxyless listeners and routes and a gateway's
 * listeners and routes are shared by the proxies of one namespace whose labels satisfy the same
 * {@code sourceLabels} selectors (and, for gateways, that the same Gateways select); endpoints of
 * clusters balanced by locality are shared by the proxies of one locality. So a push to
 * 200 sidecars of one namespace builds the outbound part once, and every proxy gets the very same
 * resource objects.
 *
 * <p>Create one per push (or let {@link XdsTranslator#translate(dev.bowline.kernel.pilot.node.ProxyNode,
 * PushContext)} keep it) and drop it with the context. Thread-safe: proxies may be translated
 * concurrently; each value is computed by one thread while others needing it wait.
 */
public final class TranslationCache {

  private final PushContext context;
  private final Once<PushIndex> index;
  private final Once<VirtualServiceRoutes> rules;
  private final Once<OutboundVirtualHosts> outboundHosts;
  private final Once<List<OutboundClusterSpec>> specs;
  private final Once<List<Cluster>> clusters;
  private final Once<List<Cluster>> plaintextClusters;
  private final Once<List<Cluster>> proxylessClusters;
  private final Once<List<ClusterLoadAssignment>> endpoints;
  private final Once<LocalityPlan> localityPlan;
  private final Map<List<Object>, Once<List<ClusterLoadAssignment>>> localityEndpoints =
      new ConcurrentHashMap<>();
  private final Map<List<Object>, Once<RouteConfiguration>> sidecarRoutes;
  private final Map<List<Object>, Once<ListenersAndRoutes>> proxyless;
  private final Map<List<Object>, Once<ListenersAndRoutes>> gateways;

  /** An empty memo for {@code context}. */
  public TranslationCache(PushContext context) {
    // Lists are made with List.copyOf so that ProxyResources, which copies with List.copyOf, keeps
    // the very same instances (it would copy a Stream.toList() result again).
    this.context = Objects.requireNonNull(context, "context");
    index = new Once<>(() -> new PushIndex(context));
    rules = new Once<>(() -> new VirtualServiceRoutes(index()));
    outboundHosts = new Once<>(() -> OutboundVirtualHosts.of(index(), rules()));
    specs = new Once<>(() -> OutboundClusters.specs(index()));
    clusters =
        new Once<>(() -> List.copyOf(specs.get().stream().map(OutboundClusters::cluster).toList()));
    plaintextClusters = new Once<>(() -> derived(OutboundClusters::withoutMeshTls));
    proxylessClusters = new Once<>(() -> derived(OutboundClusters::forProxyless));
    sidecarRoutes = new ConcurrentHashMap<>();
    proxyless = new ConcurrentHashMap<>();
    gateways = new ConcurrentHashMap<>();
    endpoints = endpointsOf(context, specs);
    localityPlan = new Once<>(() -> LocalityPlan.of(specs.get(), context.registry()));
  }

  /** A memo for {@code context} that shares with {@code previous} all but the endpoints. */
  private TranslationCache(PushContext context, TranslationCache previous) {
    this.context = context;
    index = previous.index;
    rules = previous.rules;
    outboundHosts = previous.outboundHosts;
    specs = previous.specs;
    clusters = previous.clusters;
    plaintextClusters = previous.plaintextClusters;
    proxylessClusters = previous.proxylessClusters;
    sidecarRoutes = previous.sidecarRoutes;
    proxyless = previous.proxyless;
    gateways = previous.gateways;
    endpoints = endpointsOf(context, specs);
    localityPlan = new Once<>(() -> LocalityPlan.of(specs.get(), context.registry()));
  }

  /**
   * The memo for the push {@code next}, which follows this one. When only endpoints changed (the
   * very same config snapshot, equal mesh settings, equal services), everything that does not
   * depend on endpoints is kept: the index, the outbound clusters, the route tables, the
   * proxyless and gateway listeners and routes; an endpoint change then costs only the
   * assignments. Otherwise an empty memo.
   */
  public TranslationCache successor(PushContext next) {
    Objects.requireNonNull(next, "next");
    boolean endpointsOnly = next.config() == context.config()
        && next.mesh().equals(context.mesh())
        && next.registry().services().equals(context.registry().services());
    return endpointsOnly ? new TranslationCache(next, this) : new TranslationCache(next);
  }

  private static Once<List<ClusterLoadAssignment>> endpointsOf(
      PushContext context, Once<List<OutboundClusterSpec>> specs) {
    return
        new Once<>(
            () -> {
              List<ClusterLoadAssignment> out = new ArrayList<>();
              for (OutboundClusterSpec spec : specs.get()) {
                out.add(LoadAssignments.of(spec, context.registry()));
              }
              return List.copyOf(out);
            });
  }

  /**
   * The clusters whose endpoints depend on the proxy's locality (locality load balancing), with
   * their endpoint groups, and the labels whose values tell proxies apart for them.
   */
  private record LocalityPlan(
      Map<Integer, OutboundClusterSpec> specs,
      Map<Integer, TreeMap<Locality, List<Endpoint>>> groups,
      List<String> labels) {

    static LocalityPlan of(List<OutboundClusterSpec> specs, PlatformSnapshot registry) {
      Map<Integer, OutboundClusterSpec> perProxy = new TreeMap<>();
      Map<Integer, TreeMap<Locality, List<Endpoint>>> groups = new TreeMap<>();
      Set<String> labels = new TreeSet<>();
      for (int i = 0; i < specs.size(); i++) {
        OutboundClusterSpec spec = specs.get(i);
        if (LocalityLoadBalancing.perProxy(spec.policy())) {
          perProxy.put(i, spec);
          groups.put(i, LoadAssignments.groups(spec, registry));
          labels.addAll(LocalityLoadBalancing.priorityLabels(spec.policy()));
        }
      }
      return new LocalityPlan(perProxy, groups, List.copyOf(labels));
    }
  }

  /** The clusters {@code variant} makes of each spec and its cluster, those it keeps (non-null). */
  private List<Cluster> derived(BiFunction<OutboundClusterSpec, Cluster, Cluster> variant) {
    List<OutboundClusterSpec> all = specs.get();
    List<Cluster> mesh = clusters.get();
    List<Cluster> out = new ArrayList<>(mesh.size());
    for (int i = 0; i < all.size(); i++) {
      Cluster c = variant.apply(all.get(i), mesh.get(i));
      if (c != null) {
        out.add(c);
      }
    }
    return List.copyOf(out);
  }

  /** The push this memo belongs to. */
  public PushContext context() {
    return context;
  }

  PushIndex index() {
    return index.get();
  }

  VirtualServiceRoutes rules() {
    return rules.get();
  }

  /** Every outbound cluster, ordered by name. */
  List<Cluster> outboundClusters() {
    return clusters.get();
  }

  /**
   * The outbound clusters as a proxy without a workload certificate takes them ({@link
   * OutboundClusters#withoutMeshTls}), ordered by name.
   */
  List<Cluster> plaintextClusters() {
    return plaintextClusters.get();
  }

  /** The outbound clusters as proxyless clients take them, ordered by name. */
  List<Cluster> proxylessClusters() {
    return proxylessClusters.get();
  }

  /** The assignment of every outbound cluster, ordered by cluster name. */
  List<ClusterLoadAssignment> endpoints() {
    return endpoints.get();
  }

  /**
   * The assignment of every outbound cluster for a proxy at {@code locality} with {@code labels},
   * ordered by cluster name: the shared {@link #endpoints()} unless some cluster balances by
   * locality; such lists are shared by the proxies of one locality (and failover label values).
   */
  List<ClusterLoadAssignment> endpoints(Locality locality, Map<String, String> labels) {
    LocalityPlan plan = localityPlan.get();
    if (plan.specs().isEmpty()) {
      return endpoints();
    }
    Map<String, String> topology = LocalityLoadBalancing.withTopology(labels, locality);
    TreeMap<String, String> projection = new TreeMap<>();
    for (String name : plan.labels()) {
      projection.put(name, topology.getOrDefault(name, ""));
    }
    List<Object> key = List.of(locality, projection);
    return localityEndpoints
        .computeIfAbsent(
            key,
            k ->
                new Once<>(
                    () -> {
                      List<ClusterLoadAssignment> out = new ArrayList<>(endpoints());
                      plan.specs()
                          .forEach(
                              (i, spec) ->
                                  out.set(
                                      i,
                                      LocalityLoadBalancing.assignment(
                                          spec.name(),
                                          plan.groups().get(i),
                                          spec.policy(),
                                          locality,
                                          labels)));
                      return List.copyOf(out);
                    }))
        .get();
  }

  /**
   * The assignments of the clusters of {@code variant} (the outbound clusters, or a variant that
   * leaves some out) for a proxy at {@code locality} with {@code labels}: {@link #endpoints(Locality,
   * Map)}, without those of clusters the variant left out.
   */
  List<ClusterLoadAssignment> endpoints(
      List<Cluster> variant, Locality locality, Map<String, String> labels) {
    List<ClusterLoadAssignment> all = endpoints(locality, labels);
    if (variant == clusters.get() || variant.size() == clusters.get().size()) {
      return all;
    }
    Set<String> kept = new TreeSet<>();
    for (Cluster c : variant) {
      kept.add(c.getName());
    }
    List<ClusterLoadAssignment> out = new ArrayList<>(kept.size());
    for (ClusterLoadAssignment cla : all) {
      if (kept.contains(cla.getClusterName())) {
        out.add(cla);
      }
    }
    return List.copyOf(out);
  }

  /** The sidecar route table {@code outbound} for proxies of a namespace and source signature. */
  RouteConfiguration sidecarRoutes(String namespace, Map<String, String> labels) {
    List<Object> key = List.of(namespace, index().sourceSignature(labels));
    return sidecarRoutes
        .computeIfAbsent(
            key,
            k ->
                new Once<>(
                    () ->
                        SidecarOutboundRoutes.build(
                            outboundHosts.get(), index(), rules(), namespace, labels)))
        .get();
  }

  /** Proxyless listeners and routes for clients of a namespace and source signature. */
  ListenersAndRoutes proxyless(String namespace, Map<String, String> labels) {
    List<Object> key = List.of(namespace, index().sourceSignature(labels));
    return proxyless
        .computeIfAbsent(
            key, k -> new Once<>(() -> ProxylessResources.build(index(), rules(), namespace,
                labels)))
        .get();
  }

  /** Gateway listeners and routes for a gateway proxy. */
  ListenersAndRoutes gateway(String namespace, Map<String, String> labels) {
    var selected = index().gatewaysSelecting(labels);
    List<Object> key =
        List.of(
            namespace,
            index().sourceSignature(labels),
            selected.stream().map(g -> g.key().toString()).toList());
    return gateways
        .computeIfAbsent(
            key,
            k -> new Once<>(() -> GatewayResources.build(index(), rules(), selected, namespace,
                labels)))
        .get();
  }

  /**
   * A value computed on first use by one thread, the others waiting for it. A failure is not
   * remembered: the next caller tries again.
   */
  private static final class Once<T> {
    private final Supplier<T> supplier;
    private volatile T value;

    Once(Supplier<T> supplier) {
      this.supplier = supplier;
    }

    T get() {
      T v = value;
      if (v == null) {
        synchronized (this) {
          v = value;
          if (v == null) {
            v = Objects.requireNonNull(supplier.get());
            value = v;
          }
        }
      }
      return v;
    }
  }
}
