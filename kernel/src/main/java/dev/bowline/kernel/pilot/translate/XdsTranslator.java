package dev.bowline.kernel.pilot.translate;

import dev.bowline.kernel.pilot.node.ProxyNode;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Pilot's translation of the service model and Istio config into the Envoy v3 resources one xDS
 * client should hold: sidecars ({@link ProxyNode.Type#SIDECAR}), gateways ({@link
 * ProxyNode.Type#ROUTER}) and proxyless gRPC clients ({@link ProxyNode.Type#PROXYLESS}). See the
 * {@linkplain dev.bowline.kernel.pilot.translate package documentation} for the conventions.
 *
 * <p>Output lists are sorted by name, so identical inputs give identical resources (and content
 * hashes as versions stay put).
 *
 * <p>The work that does not depend on the individual proxy is done once per push, in a {@link
 * TranslationCache}. {@link #translate(ProxyNode, PushContext)} keeps the cache of the most recent
 * context it was given (compared by identity) and starts a new one when another context arrives;
 * a caller that interleaves pushes, or wants to control the memo's lifetime, passes its own cache
 * to {@link #translate(ProxyNode, TranslationCache)}. Thread-safe: holds no state but that memo;
 * any number of threads may translate at once.
 */
public final class XdsTranslator {

  private static final Comparator<Cluster> CLUSTER_ORDER = Comparator.comparing(Cluster::getName);
  private static final Comparator<Listener> LISTENER_ORDER =
      Comparator.comparing(Listener::getName);

  private final AtomicReference<TranslationCache> latest = new AtomicReference<>();

  /** A translator with no memo yet. */
  public XdsTranslator() {}

  /** The resources of {@code node}, memoizing shared work per {@code context} instance. */
  public ProxyResources translate(ProxyNode node, PushContext context) {
    return translate(node, cacheFor(context));
  }

  /**
   * The memo this translator uses for {@code context}: the one of the latest context if it is the
   * same instance, else the latest one's {@linkplain TranslationCache#successor successor} (which
   * keeps what an endpoint-only change leaves as it was), which becomes the latest.
   */
  public TranslationCache cacheFor(PushContext context) {
    Objects.requireNonNull(context, "context");
    while (true) {
      TranslationCache current = latest.get();
      if (current != null && current.context() == context) {
        return current;
      }
      TranslationCache fresh = current != null ? current.successor(context) : new TranslationCache(context);
      if (latest.compareAndSet(current, fresh)) {
        return fresh;
      }
    }
  }

  /** The resources of {@code node} in the push {@code cache} belongs to. */
  public ProxyResources translate(ProxyNode node, TranslationCache cache) {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(cache, "cache");
    switch (node.type()) {
      case SIDECAR:
        return sidecar(node, cache);
      case ROUTER:
        return gateway(node, cache);
      default:
        return proxyless(node, cache);
    }
  }

  private static ProxyResources sidecar(ProxyNode node, TranslationCache cache) {
    List<Cluster> clusters = outboundClusters(node, cache);
    List<ClusterLoadAssignment> endpoints = cache.endpoints(clusters, node.locality(), node.labels());
    List<Listener> listeners = new ArrayList<>();
    listeners.add(
        SidecarListeners.outbound(node, HttpConnectionManagers.ROUTE_FILTERS));
    listeners.addAll(
        SidecarEgressListeners.listeners(
            node, cache.index(), cache.rules(), HttpConnectionManagers.ROUTE_FILTERS));
    Optional<SidecarListeners.Inbound> inbound = SidecarListeners.inbound(node, cache.index());
    if (inbound.isPresent()) {
      listeners.add(inbound.get().listener());
      List<Cluster> all = new ArrayList<>(clusters);
      all.add(inbound.get().cluster());
      all.sort(CLUSTER_ORDER);
      clusters = all;
    }
    listeners.sort(LISTENER_ORDER);
    return new ProxyResources(
        clusters,
        endpoints,
        listeners,
        List.of(cache.sidecarRoutes(node.namespace(), node.labels())));
  }

  private static ProxyResources gateway(ProxyNode node, TranslationCache cache) {
    ListenersAndRoutes lr = cache.gateway(node.namespace(), node.labels());
    List<Cluster> clusters = outboundClusters(node, cache);
    return new ProxyResources(
        clusters,
        cache.endpoints(clusters, node.locality(), node.labels()),
        lr.listeners(),
        lr.routes());
  }

  /**
   * The outbound clusters for {@code node}: with the mesh's mutual TLS when the proxy has a
   * workload certificate ({@link MeshTls#hasIdentity}), else without.
   */
  private static List<Cluster> outboundClusters(ProxyNode node, TranslationCache cache) {
    return MeshTls.hasIdentity(node) ? cache.outboundClusters() : cache.plaintextClusters();
  }

  private static ProxyResources proxyless(ProxyNode node, TranslationCache cache) {
    ListenersAndRoutes lr = cache.proxyless(node.namespace(), node.labels());
    return new ProxyResources(
        cache.proxylessClusters(),
        cache.endpoints(cache.proxylessClusters(), node.locality(), node.labels()),
        lr.listeners(),
        lr.routes());
  }
}
