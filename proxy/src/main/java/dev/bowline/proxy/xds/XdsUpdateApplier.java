package dev.bowline.proxy.xds;

import com.google.protobuf.Any;
import dev.bowline.proxy.config.ClusterConfig;
import dev.bowline.proxy.config.ClusterTranslator;
import dev.bowline.proxy.config.ConfigException;
import dev.bowline.proxy.config.EndpointTranslator;
import dev.bowline.proxy.config.ListenerConfig;
import dev.bowline.proxy.config.ListenerTranslator;
import dev.bowline.proxy.config.LoadAssignment;
import dev.bowline.proxy.config.Problems;
import dev.bowline.proxy.identity.TrustBundleSecrets;
import dev.bowline.proxy.xds.XdsResources.ClusterResource;
import dev.bowline.proxy.xds.XdsResources.EndpointsResource;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Envoy's apply semantics for state-of-the-world responses: each response is validated by
 * translating it together with the accepted resources of the other types, then applied to the
 * {@link XdsConfigSink}; it is accepted (to be ACKed) only when both succeed, and otherwise
 * rejected (to be NACKed) with every problem, each naming its resource, leaving the accepted state
 * and the running configuration as they were.
 *
 * <p>Warming: a listener whose route configurations have not all arrived is not applied (its
 * previous version, if one runs, keeps running) and does not hold back the others; an EDS cluster
 * is applied at once, with the endpoints held for it (none before its first assignment). An EDS
 * response only updates the endpoints of the clusters whose assignment changed, through {@link
 * XdsConfigSink#updateEndpoints}; every other response applies the whole configuration. EDS and
 * RDS resources nobody asked for are ignored, and assignments or routes no cluster or listener
 * uses any more are dropped.
 *
 * <p>Not thread-safe: confined to the client's update thread.
 */
final class XdsUpdateApplier {

  /**
   * What became of one response.
   *
   * @param accepted whether it was applied (ACK) or rejected (NACK)
   * @param summary for an accepted response, what runs now (for the log)
   * @param problems for a rejected response, each problem, naming its resource
   */
  /** The SDS name of the trust bundle, as Istio names it. */
  static final String TRUST_BUNDLE = "ROOTCA";

  record Result(boolean accepted, String summary, List<String> problems) {

    Result {
      problems = List.copyOf(problems);
    }

    static Result accepted(String summary) {
      return new Result(true, summary, List.of());
    }

    static Result rejected(List<String> problems) {
      return new Result(false, "", problems);
    }
  }

  private final XdsConfigSink sink;
  private final Optional<Consumer<List<X509Certificate>>> trustBundle;
  private volatile XdsResources accepted = XdsResources.EMPTY;
  private Map<String, ListenerConfig> running = Map.of();

  XdsUpdateApplier(XdsConfigSink sink) {
    this(sink, Optional.empty());
  }

  /** An applier that also installs the trust bundle secret ({@code ROOTCA}) into {@code trustBundle}. */
  XdsUpdateApplier(XdsConfigSink sink, Optional<Consumer<List<X509Certificate>>> trustBundle) {
    this.sink = Objects.requireNonNull(sink, "sink");
    this.trustBundle = Objects.requireNonNull(trustBundle, "trustBundle");
  }

  /** The accepted resources; any thread may read them (an immutable value, swapped). */
  XdsResources accepted() {
    return accepted;
  }

  /** Validates and applies the resources of one response of {@code type}. */
  Result apply(XdsResourceType type, List<Any> resources) {
    switch (type) {
      case CLUSTER:
        return clusters(resources);
      case ENDPOINT:
        return endpoints(resources);
      case LISTENER:
        return listeners(resources);
      case ROUTE:
        return routes(resources);
      case SECRET:
        return secrets(resources);
      default:
        throw new IllegalArgumentException("unknown type " + type);
    }
  }

  /**
   * The trust bundle, Istio's SDS secret {@code ROOTCA}: {@code
   * validation_context.trusted_ca.inline_bytes} holding one or more PEM roots. Any other secret
   * name, another data source, or bytes that are not certificates are refused.
   */
  private Result secrets(List<Any> resources) {
    Problems problems = new Problems();
    Map<String, Secret> protos =
        ResourceDecoder.decode(XdsResourceType.SECRET, Secret.class, resources, problems);
    List<X509Certificate> roots = new ArrayList<>();
    for (Map.Entry<String, Secret> entry : protos.entrySet()) {
      String path = Problems.key("secrets", entry.getKey());
      try {
        roots.addAll(TrustBundleSecrets.roots(entry.getValue()));
      } catch (TrustBundleSecrets.InvalidException e) {
        problems.add(Problems.join(path, e.field()), e.getMessage());
      }
    }
    if (problems.isEmpty() && protos.isEmpty()) {
      return Result.accepted("no " + TRUST_BUNDLE + " from the control plane: the trust bundle held is kept");
    }
    if (problems.isEmpty() && trustBundle.isEmpty()) {
      problems.add("secrets", "this proxy has no workload identity to install " + TRUST_BUNDLE + " into");
    }
    if (!problems.isEmpty()) {
      return Result.rejected(problems.list());
    }
    trustBundle.get().accept(List.copyOf(roots));
    return Result.accepted(TRUST_BUNDLE + " with " + roots.size() + " root(s)");
  }

  private Result clusters(List<Any> resources) {
    Problems problems = new Problems();
    Map<String, Cluster> protos =
        ResourceDecoder.decode(XdsResourceType.CLUSTER, Cluster.class, resources, problems);
    Map<String, ClusterResource> clusters = new LinkedHashMap<>();
    for (Map.Entry<String, Cluster> entry : protos.entrySet()) {
      String name = entry.getKey();
      Cluster proto = entry.getValue();
      String path = Problems.key("clusters", name);
      try {
        ClusterConfig config = ClusterTranslator.translate(proto, path);
        Optional<String> service = Optional.empty();
        if (config.discovery() == ClusterConfig.Discovery.EDS) {
          AdsConfigSources.check(proto.getEdsClusterConfig().getEdsConfig(),
              Problems.join(path, "eds_cluster_config.eds_config"), problems);
          String serviceName = proto.getEdsClusterConfig().getServiceName();
          service = Optional.of(serviceName.isEmpty() ? name : serviceName);
        }
        clusters.put(name, new ClusterResource(config, service, proto));
      } catch (ConfigException e) {
        problems.addAll(e);
      }
    }
    if (!problems.isEmpty()) {
      return Result.rejected(problems.list());
    }
    long eds = clusters.values().stream().filter(c -> c.edsServiceName().isPresent()).count();
    return applyAll(
        accepted.withClusters(clusters), clusters.size() + " cluster(s), " + eds + " EDS");
  }

  private Result endpoints(List<Any> resources) {
    Problems problems = new Problems();
    Map<String, ClusterLoadAssignment> protos =
        ResourceDecoder.decode(
            XdsResourceType.ENDPOINT, ClusterLoadAssignment.class, resources, problems);
    Set<String> wanted = accepted.edsServiceNames();
    Map<String, EndpointsResource> updated = new LinkedHashMap<>();
    int ignored = 0;
    for (Map.Entry<String, ClusterLoadAssignment> entry : protos.entrySet()) {
      if (!wanted.contains(entry.getKey())) {
        ignored++;
        continue;
      }
      try {
        updated.put(entry.getKey(), new EndpointsResource(EndpointTranslator.translateAssignment(
            entry.getValue(), Problems.key("endpoints", entry.getKey())), entry.getValue()));
      } catch (ConfigException e) {
        problems.addAll(e);
      }
    }
    if (!problems.isEmpty()) {
      return Result.rejected(problems.list());
    }
    Set<String> changed = new TreeSet<>();
    for (ClusterResource cluster : accepted.clusters().values()) {
      String service = cluster.edsServiceName().orElse(null);
      EndpointsResource received = service == null ? null : updated.get(service);
      if (received == null) {
        continue;
      }
      LoadAssignment endpoints = received.assignment();
      EndpointsResource held = accepted.endpoints().get(service);
      if (held != null && endpoints.equals(held.assignment())) {
        continue;
      }
      try {
        sink.updateEndpoints(cluster.config().name(), endpoints);
        changed.add(cluster.config().name());
      } catch (ConfigException e) {
        problems.addAll(e);
      }
    }
    if (!problems.isEmpty()) {
      return Result.rejected(problems.list());
    }
    accepted = accepted.withEndpoints(updated);
    int count = updated.values().stream().mapToInt(a -> a.assignment().endpoints().size()).sum();
    return Result.accepted(updated.size() + " assignment(s) with " + count + " endpoint(s);"
        + " clusters updated: " + changed
        + (ignored == 0 ? "" : "; " + ignored + " unrequested assignment(s) ignored"));
  }

  private Result listeners(List<Any> resources) {
    Problems problems = new Problems();
    Map<String, Listener> protos =
        ResourceDecoder.decode(XdsResourceType.LISTENER, Listener.class, resources, problems);
    Map<InetSocketAddress, String> addresses = new HashMap<>();
    for (Map.Entry<String, Listener> entry : protos.entrySet()) {
      String name = entry.getKey();
      String path = Problems.key("listeners", name);
      int before = problems.size();
      RdsInliner.check(entry.getValue(), path, problems);
      if (problems.size() > before) {
        continue;
      }
      try {
        // Routes not received yet are stood in for by empty ones: the rest is checked now.
        ListenerConfig config =
            ListenerTranslator.translate(
                RdsInliner.inline(entry.getValue(),
                    route -> accepted.routes().getOrDefault(route, placeholder(route))),
                path);
        if (config.address().getPort() != 0) {
          String other = addresses.putIfAbsent(config.address(), name);
          if (other != null) {
            problems.add(Problems.join(path, "address"),
                "the same address as " + Problems.key("listeners", other));
          }
        }
      } catch (ConfigException e) {
        problems.addAll(e);
      }
    }
    if (!problems.isEmpty()) {
      return Result.rejected(problems.list());
    }
    return applyAll(accepted.withListeners(protos), protos.size() + " listener(s)");
  }

  private Result routes(List<Any> resources) {
    Problems problems = new Problems();
    Map<String, RouteConfiguration> protos =
        ResourceDecoder.decode(
            XdsResourceType.ROUTE, RouteConfiguration.class, resources, problems);
    if (!problems.isEmpty()) {
      return Result.rejected(problems.list());
    }
    Set<String> wanted = accepted.routeNames();
    Map<String, RouteConfiguration> updated = new LinkedHashMap<>(protos);
    updated.keySet().retainAll(wanted);
    int ignored = protos.size() - updated.size();
    return applyAll(accepted.withRoutes(updated), updated.size() + " route configuration(s)"
        + (ignored == 0 ? "" : ", " + ignored + " unrequested ignored"));
  }

  /** Applies every complete listener and every cluster of {@code next}; commits on success. */
  private Result applyAll(XdsResources next, String summary) {
    Problems problems = new Problems();
    Map<String, Set<String>> warming = new LinkedHashMap<>();
    Map<String, ListenerConfig> listeners = new LinkedHashMap<>();
    for (Map.Entry<String, Listener> entry : next.listeners().entrySet()) {
      String name = entry.getKey();
      Set<String> missing = new TreeSet<>(RdsInliner.routeNames(entry.getValue()));
      missing.removeAll(next.routes().keySet());
      if (!missing.isEmpty()) {
        warming.put(name, missing);
        ListenerConfig previous = running.get(name);
        if (previous != null) {
          listeners.put(name, previous); // the last version keeps serving while the new one warms
        }
        continue;
      }
      try {
        listeners.put(name, ListenerTranslator.translate(
            RdsInliner.inline(entry.getValue(), next.routes()::get),
            Problems.key("listeners", name)));
      } catch (ConfigException e) {
        problems.addAll(e);
      }
    }
    if (!problems.isEmpty()) {
      return Result.rejected(problems.list());
    }
    List<ClusterConfig> clusters = next.clusterConfigs();
    try {
      sink.apply(new ArrayList<>(listeners.values()), clusters);
    } catch (ConfigException e) {
      return Result.rejected(e.problems());
    }
    accepted = next;
    running = listeners;
    StringBuilder out = new StringBuilder(summary)
        .append("; running ").append(listeners.size()).append(" listener(s) and ")
        .append(clusters.size()).append(" cluster(s)");
    warming.forEach((listener, routes) -> out.append("; listener ").append(listener)
        .append(" waits for route configuration(s) ").append(routes));
    return Result.accepted(out.toString());
  }

  private static RouteConfiguration placeholder(String name) {
    return RouteConfiguration.newBuilder().setName(name).build();
  }
}
