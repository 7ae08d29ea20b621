package dev.bowline.kernel.pilot.translate;

import dev.bowline.kernel.pilot.config.BowlineAnnotations;
import dev.bowline.kernel.pilot.config.ConfigKind;
import dev.bowline.kernel.pilot.config.ConfigResource;
import dev.bowline.kernel.pilot.config.MeshSettings;
import dev.bowline.kernel.pilot.istio.DestinationRule;
import dev.bowline.kernel.pilot.istio.Gateway;
import dev.bowline.kernel.pilot.istio.LocalRateLimitAnnotation;
import dev.bowline.kernel.pilot.istio.PeerAuthentication;
import dev.bowline.kernel.pilot.istio.Sidecar;
import dev.bowline.kernel.pilot.istio.VirtualService;
import dev.bowline.spi.model.Hostname;
import dev.bowline.spi.model.Service;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lookups every translation of one push needs, built once from a {@link PushContext}: services
 * by hostname, VirtualServices by host and gateway (oldest first), the DestinationRule of each
 * service, the Gateways, the Sidecars and the {@code sourceLabels} selectors routes depend on. Immutable after
 * construction and thread-safe.
 */
final class PushIndex {

  /** The reserved gateway name of sidecars. */
  static final String MESH = "mesh";

  private static final Logger log = LoggerFactory.getLogger(PushIndex.class);

  /** Istio's precedence among resources claiming the same thing: the oldest first. */
  static final Comparator<ConfigResource<?>> OLDEST_FIRST =
      Comparator.<ConfigResource<?>>comparingLong(ConfigResource::revision)
          .thenComparing(ConfigResource::key);

  private final PushContext context;
  private final List<Service> services;
  private final Map<Hostname, Service> servicesByHost = new HashMap<>();
  private final List<IndexedVirtualService> virtualServices = new ArrayList<>();
  private final Map<Hostname, List<IndexedVirtualService>> exactVirtualServices = new HashMap<>();
  private final List<IndexedVirtualService> wildcardVirtualServices = new ArrayList<>();
  private final List<IndexedDestinationRule> destinationRules = new ArrayList<>();
  private final List<ConfigResource<Gateway>> gateways;
  private final List<ConfigResource<Sidecar>> sidecars;
  private final PeerAuthenticationModes peerAuthentication;
  private final List<Map<String, String>> sourceSelectors;

  /**
   * A VirtualService with its hosts qualified and parsed and its gateway references resolved to
   * {@code mesh} or {@code namespace/name}, and its {@code bowline.dev/local-rate-limit}
   * annotation (null for none).
   */
  record IndexedVirtualService(
      ConfigResource<VirtualService> resource,
      List<Hostname> hosts,
      Set<String> gateways,
      LocalRateLimitAnnotation rateLimit) {

    VirtualService spec() {
      return resource.spec();
    }

    String namespace() {
      return resource.namespace();
    }

    /** Whether the resource applies to {@code gateway} ({@code mesh} or {@code ns/name}). */
    boolean boundTo(String gateway) {
      return gateways.contains(gateway);
    }

    /** Whether proxies of {@code namespace} see the resource ({@code exportTo}). */
    boolean visibleFrom(String namespace) {
      return visible(spec().exportTo(), namespace(), namespace);
    }

    /** Whether one of the hosts covers {@code host}. */
    boolean covers(Hostname host) {
      for (Hostname h : hosts) {
        if (h.matches(host)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public String toString() {
      return resource.key().toString();
    }
  }

  /** A DestinationRule with its host qualified and parsed. */
  record IndexedDestinationRule(ConfigResource<DestinationRule> resource, Hostname host) {}

  PushIndex(PushContext context) {
    this.context = context;
    MeshSettings mesh = context.mesh();
    List<Service> sorted = new ArrayList<>(context.registry().services());
    sorted.sort(Comparator.comparing(Service::hostname));
    services = List.copyOf(sorted);
    for (Service s : services) {
      servicesByHost.put(s.hostname(), s);
    }

    List<ConfigResource<VirtualService>> vsResources =
        new ArrayList<>(context.config().of(ConfigKind.VIRTUAL_SERVICE, VirtualService.class));
    vsResources.sort(OLDEST_FIRST);
    Set<Map<String, String>> selectors = new LinkedHashSet<>();
    for (ConfigResource<VirtualService> r : vsResources) {
      List<Hostname> hosts = new ArrayList<>();
      List<String> written = r.spec().hosts();
      for (int i = 0; i < written.size(); i++) {
        Hostname h = hostname(mesh.qualify(written.get(i), r.namespace()), r, "hosts[" + i + "]");
        if (h != null) {
          hosts.add(h);
        }
      }
      Set<String> refs = new LinkedHashSet<>();
      if (r.spec().gateways().isEmpty()) {
        refs.add(MESH);
      }
      for (String g : r.spec().gateways()) {
        refs.add(resolveGateway(g, r.namespace()));
      }
      IndexedVirtualService vs =
          new IndexedVirtualService(
              r,
              List.copyOf(hosts),
              Set.copyOf(refs),
              BowlineAnnotations.localRateLimit(r.annotations()).orElse(null));
      virtualServices.add(vs);
      for (Hostname h : vs.hosts()) {
        if (h.isWildcard()) {
          if (!wildcardVirtualServices.contains(vs)) {
            wildcardVirtualServices.add(vs);
          }
        } else {
          exactVirtualServices.computeIfAbsent(h, k -> new ArrayList<>()).add(vs);
        }
      }
      for (VirtualService.HttpRoute rule : r.spec().http()) {
        for (VirtualService.HttpMatchRequest m : rule.match()) {
          if (!m.sourceLabels().isEmpty()) {
            selectors.add(m.sourceLabels());
          }
        }
      }
    }
    sourceSelectors = List.copyOf(selectors);

    for (ConfigResource<DestinationRule> r :
        context.config().of(ConfigKind.DESTINATION_RULE, DestinationRule.class)) {
      if (r.spec().host() == null) {
        log.warn("{}: host: missing; the rule is not applied", r.key());
        continue;
      }
      Hostname h = hostname(mesh.qualify(r.spec().host(), r.namespace()), r, "host");
      if (h != null) {
        destinationRules.add(new IndexedDestinationRule(r, h));
      }
    }

    List<ConfigResource<Gateway>> gws =
        new ArrayList<>(context.config().of(ConfigKind.GATEWAY, Gateway.class));
    gws.sort(Comparator.comparing(ConfigResource::key));
    gateways = List.copyOf(gws);

    List<ConfigResource<Sidecar>> scs =
        new ArrayList<>(context.config().of(ConfigKind.SIDECAR, Sidecar.class));
    scs.sort(OLDEST_FIRST);
    sidecars = List.copyOf(scs);

    List<ConfigResource<PeerAuthentication>> pas =
        new ArrayList<>(context.config().of(ConfigKind.PEER_AUTHENTICATION, PeerAuthentication.class));
    pas.sort(OLDEST_FIRST);
    peerAuthentication = new PeerAuthenticationModes(pas, mesh.rootNamespace());
  }

  /** The PeerAuthentication modes of this push's workloads. */
  PeerAuthenticationModes peerAuthentication() {
    return peerAuthentication;
  }

  PushContext context() {
    return context;
  }

  MeshSettings mesh() {
    return context.mesh();
  }

  /** Every service, ordered by hostname. */
  List<Service> services() {
    return services;
  }

  /** The service named {@code host}. */
  Optional<Service> service(Hostname host) {
    return Optional.ofNullable(servicesByHost.get(host));
  }

  /** The service named {@code host}, if it is a valid hostname of a known service. */
  Optional<Service> service(String host) {
    try {
      return service(Hostname.of(host));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * The VirtualService that routes sidecar (and proxyless) traffic to {@code host} for proxies of
   * {@code namespace}: among those bound to {@code mesh}, visible from the namespace and with a
   * host covering {@code host}, the oldest.
   */
  Optional<IndexedVirtualService> meshVirtualService(Hostname host, String namespace) {
    IndexedVirtualService best = null;
    for (IndexedVirtualService vs : exactVirtualServices.getOrDefault(host, List.of())) {
      if (vs.boundTo(MESH) && vs.visibleFrom(namespace)) {
        best = vs; // lists are oldest first
        break;
      }
    }
    for (IndexedVirtualService vs : wildcardVirtualServices) {
      if (best != null && OLDEST_FIRST.compare(vs.resource(), best.resource()) >= 0) {
        break;
      }
      if (vs.boundTo(MESH) && vs.visibleFrom(namespace) && vs.covers(host)) {
        best = vs;
        break;
      }
    }
    return Optional.ofNullable(best);
  }

  /** The VirtualServices bound to {@code gateway} ({@code ns/name}) visible from a namespace. */
  List<IndexedVirtualService> boundTo(String gateway, String namespace) {
    List<IndexedVirtualService> out = new ArrayList<>();
    for (IndexedVirtualService vs : virtualServices) {
      if (vs.boundTo(gateway) && vs.visibleFrom(namespace)) {
        out.add(vs);
      }
    }
    return out;
  }

  /**
   * The DestinationRule that applies to {@code service}: the most specific host (exact, then the
   * longest wildcard), then one in the service's namespace, then in the root namespace, then the
   * oldest.
   */
  Optional<ConfigResource<DestinationRule>> destinationRule(Service service) {
    IndexedDestinationRule best = null;
    for (IndexedDestinationRule dr : destinationRules) {
      if (dr.host().matches(service.hostname())
          && (best == null || compareRules(dr, best, service) < 0)) {
        best = dr;
      }
    }
    return best == null ? Optional.empty() : Optional.of(best.resource());
  }

  private int compareRules(IndexedDestinationRule a, IndexedDestinationRule b, Service service) {
    int c = Integer.compare(specificity(b.host()), specificity(a.host()));
    if (c == 0) {
      c = Integer.compare(namespaceRank(a, service), namespaceRank(b, service));
    }
    return c != 0 ? c : OLDEST_FIRST.compare(a.resource(), b.resource());
  }

  private static int specificity(Hostname h) {
    return h.isWildcard() ? h.value().length() : Integer.MAX_VALUE;
  }

  private int namespaceRank(IndexedDestinationRule dr, Service service) {
    if (dr.resource().namespace().equals(service.namespace())) {
      return 0;
    }
    return dr.resource().namespace().equals(mesh().rootNamespace()) ? 1 : 2;
  }

  /** The Gateways whose selector labels are all among {@code labels}, ordered by key. */
  List<ConfigResource<Gateway>> gatewaysSelecting(Map<String, String> labels) {
    List<ConfigResource<Gateway>> out = new ArrayList<>();
    for (ConfigResource<Gateway> g : gateways) {
      if (labels.entrySet().containsAll(g.spec().selector().entrySet())) {
        out.add(g);
      }
    }
    return out;
  }

  /**
   * The Sidecar resource of a workload, as Istio chooses it: the oldest in the workload's namespace
   * whose {@code workloadSelector} labels are all among {@code labels}; else the oldest in that
   * namespace without a selector; else the oldest in the root namespace without one (the mesh's
   * default).
   */
  Optional<ConfigResource<Sidecar>> sidecarFor(String namespace, Map<String, String> labels) {
    ConfigResource<Sidecar> namespaceDefault = null;
    ConfigResource<Sidecar> meshDefault = null;
    for (ConfigResource<Sidecar> s : sidecars) {
      Map<String, String> selector =
          s.spec().workloadSelector() == null ? Map.of() : s.spec().workloadSelector().labels();
      if (s.namespace().equals(namespace)) {
        if (selector.isEmpty()) {
          namespaceDefault = namespaceDefault == null ? s : namespaceDefault;
        } else if (labels.entrySet().containsAll(selector.entrySet())) {
          return Optional.of(s);
        }
      } else if (s.namespace().equals(mesh().rootNamespace()) && selector.isEmpty()) {
        meshDefault = meshDefault == null ? s : meshDefault;
      }
    }
    return Optional.ofNullable(namespaceDefault != null ? namespaceDefault : meshDefault);
  }

  /**
   * Which of the {@code sourceLabels} selectors of all VirtualServices {@code labels} satisfy, as
   * their indexes: two proxies of one namespace with the same signature get the same routes.
   */
  List<Integer> sourceSignature(Map<String, String> labels) {
    List<Integer> matched = new ArrayList<>();
    for (int i = 0; i < sourceSelectors.size(); i++) {
      if (labels.entrySet().containsAll(sourceSelectors.get(i).entrySet())) {
        matched.add(i);
      }
    }
    return List.copyOf(matched);
  }

  /** A gateway reference as written in a resource of {@code namespace}, made absolute. */
  static String resolveGateway(String ref, String namespace) {
    if (ref.equals(MESH) || ref.indexOf('/') >= 0) {
      return ref;
    }
    return namespace + "/" + ref;
  }

  /**
   * Istio's {@code exportTo}: empty or {@code *} is every namespace, {@code .} the resource's own,
   * anything else a namespace name.
   */
  static boolean visible(List<String> exportTo, String ownNamespace, String namespace) {
    if (exportTo.isEmpty()) {
      return true;
    }
    for (String e : exportTo) {
      if (e.equals("*") || e.equals(namespace) || (e.equals(".") && ownNamespace.equals(namespace))) {
        return true;
      }
    }
    return false;
  }

  private static Hostname hostname(String text, ConfigResource<?> r, String field) {
    try {
      return Hostname.of(text);
    } catch (IllegalArgumentException e) {
      log.warn("{}: {}: {}; ignored", r.key(), field, e.getMessage());
      return null;
    }
  }
}
