package dev.bowline.kernel.pilot.translate;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.UInt64Value;
import dev.bowline.kernel.pilot.config.BowlineAnnotations;
import dev.bowline.kernel.pilot.config.ConfigResource;
import dev.bowline.kernel.pilot.istio.DestinationRule;
import dev.bowline.kernel.pilot.istio.DestinationRule.ClientTls;
import dev.bowline.kernel.pilot.istio.DestinationRule.ConnectionPoolSettings;
import dev.bowline.kernel.pilot.istio.DestinationRule.ConsistentHashLb;
import dev.bowline.kernel.pilot.istio.DestinationRule.HttpSettings;
import dev.bowline.kernel.pilot.istio.DestinationRule.OutlierDetection;
import dev.bowline.kernel.pilot.istio.DestinationRule.TcpSettings;
import dev.bowline.kernel.pilot.istio.DestinationRule.TrafficPolicy;
import dev.bowline.kernel.pilot.istio.HealthCheckAnnotation;
import dev.bowline.spi.model.MeshLocation;
import dev.bowline.spi.model.Protocol;
import dev.bowline.spi.model.Service;
import dev.bowline.spi.model.ServicePort;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.type.v3.Percent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the outbound clusters: one EDS cluster per service port and one per DestinationRule
 * subset, named as Istio names them, with the DestinationRule's policy for that port and subset
 * ({@link TrafficPolicies}): load balancer (simple or consistent hash), connection pool, outlier
 * detection, locality weighting, and the {@code bowline.dev/health-check} annotation's health
 * check.
 * Everything emitted is in the subset of Envoy's Cluster that Bowline's proxy accepts (and that
 * grpc-java reads; see {@link #forProxyless}). Stateless.
 */
final class OutboundClusters {

  /** Istio's default connect timeout. */
  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** The key of upstream HTTP options in {@code typed_extension_protocol_options}. */
  static final String HTTP_PROTOCOL_OPTIONS_KEY =
      "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

  /**
   * Istio's circuit breaker thresholds when a DestinationRule sets none: effectively unlimited
   * (Istio writes 2^32-1; Bowline's proxy takes up to 2^31-1), so that Envoy's defaults (1024
   * connections, 3 concurrent retries) never cut traffic the operator did not ask to limit.
   */
  static final int UNLIMITED = Integer.MAX_VALUE;

  /** Envoy's (and Istio's) default minimum ring size of a ring hash balancer. */
  static final long DEFAULT_MINIMUM_RING_SIZE = 1024;

  private static final Logger log = LoggerFactory.getLogger(OutboundClusters.class);

  private OutboundClusters() {}

  /** What to build for every service port and subset, ordered by cluster name. */
  static List<OutboundClusterSpec> specs(PushIndex index) {
    TreeMap<String, OutboundClusterSpec> specs = new TreeMap<>();
    for (Service service : index.services()) {
      Optional<ConfigResource<DestinationRule>> rule = index.destinationRule(service);
      TrafficPolicy rulePolicy = rule.map(r -> r.spec().trafficPolicy()).orElse(null);
      String source = rule.map(r -> r.key().toString()).orElse("");
      HealthCheckAnnotation healthCheck =
          rule.flatMap(r -> BowlineAnnotations.healthCheck(r.annotations())).orElse(null);
      List<ServicePort> ports = new ArrayList<>(service.ports());
      ports.sort(Comparator.comparingInt(ServicePort::number));
      for (ServicePort port : ports) {
        String host = service.hostname().value();
        String name = ClusterNames.outbound(port.number(), "", host);
        specs.putIfAbsent(
            name,
            new OutboundClusterSpec(
                name,
                service,
                port,
                "",
                Map.of(),
                TrafficPolicies.effective(rulePolicy, null, port.number()),
                source,
                healthCheck));
        if (rule.isEmpty()) {
          continue;
        }
        for (DestinationRule.Subset subset : rule.get().spec().subsets()) {
          if (subset.name() == null || subset.name().isEmpty()) {
            log.warn("{}: a subset without name is ignored", source);
            continue;
          }
          String subsetName = ClusterNames.outbound(port.number(), subset.name(), host);
          OutboundClusterSpec previous =
              specs.putIfAbsent(
                  subsetName,
                  new OutboundClusterSpec(
                      subsetName,
                      service,
                      port,
                      subset.name(),
                      subset.labels(),
                      TrafficPolicies.effective(rulePolicy, subset.trafficPolicy(), port.number()),
                      source,
                      healthCheck));
          if (previous != null) {
            log.warn("{}: subset {} is defined twice; the first one applies", source, subset.name());
          }
        }
      }
    }
    return List.copyOf(specs.values());
  }

  /** The EDS cluster for {@code spec}. */
  static Cluster cluster(OutboundClusterSpec spec) {
    Cluster.Builder b =
        Cluster.newBuilder()
            .setName(spec.name())
            .setType(Cluster.DiscoveryType.EDS)
            .setEdsClusterConfig(
                Cluster.EdsClusterConfig.newBuilder()
                    .setEdsConfig(HttpConnectionManagers.ads())
                    .setServiceName(spec.name()));
    TrafficPolicy policy = spec.policy();
    String where = spec.source().isEmpty() ? spec.name() : spec.source();
    b.setConnectTimeout(IstioDurations.toProto(connectTimeout(policy, where)));
    b.setLbPolicy(lbPolicy(policy, where));
    consistentHash(policy, b);
    OutlierDetection outlier = policy == null ? null : policy.outlierDetection();
    if (outlier != null) {
      b.setOutlierDetection(outlierDetection(outlier, where));
      // Istio sets the panic threshold whenever outlier detection is on: 0 (no panic) by default.
      b.getCommonLbConfigBuilder()
          .setHealthyPanicThreshold(Percent.newBuilder().setValue(outlier.minHealthPercent()));
    }
    if (spec.healthCheck() != null) {
      b.addHealthChecks(HealthChecks.of(
          spec.healthCheck(), spec.port().protocol(), spec.service().hostname().value(), where));
    }
    ConnectionPoolSettings pool = policy == null ? null : policy.connectionPool();
    TcpSettings tcp = pool == null ? null : pool.tcp();
    HttpSettings http = pool == null ? null : pool.http();
    b.setCircuitBreakers(
        CircuitBreakers.newBuilder()
            .addThresholds(
                CircuitBreakers.Thresholds.newBuilder()
                    .setMaxConnections(limit(tcp == null ? 0 : tcp.maxConnections()))
                    .setMaxPendingRequests(limit(http == null ? 0 : http.http1MaxPendingRequests()))
                    .setMaxRequests(limit(http == null ? 0 : http.http2MaxRequests()))
                    .setMaxRetries(limit(http == null ? 0 : http.maxRetries()))));
    upstreamHttpOptions(spec.port().protocol(), http, where)
        .ifPresent(o -> b.putTypedExtensionProtocolOptions(HTTP_PROTOCOL_OPTIONS_KEY, Any.pack(o)));
    transportSecurity(spec, b);
    return b.build();
  }

  /**
   * The cluster's TLS, from the policy's {@code tls} mode: {@code ISTIO_MUTUAL} with the service's
   * identities (or the rule's {@code subjectAltNames}) as the names accepted; {@code SIMPLE} and
   * {@code MUTUAL} from files; {@code DISABLE} plaintext; no {@code tls} on a mesh-internal
   * service: automatic mutual TLS ({@link MeshTls#autoMutual}).
   */
  private static void transportSecurity(OutboundClusterSpec spec, Cluster.Builder b) {
    ClientTls tls = spec.policy() == null ? null : spec.policy().tls();
    Protocol protocol = spec.port().protocol();
    List<String> identities = spec.service().subjectAltNames();
    if (tls == null) {
      if (spec.service().location() == MeshLocation.MESH_INTERNAL) {
        MeshTls.autoMutual(b, identities, protocol);
      }
      return;
    }
    switch (tls.mode() == null ? "DISABLE" : tls.mode()) {
      case "ISTIO_MUTUAL" -> b.setTransportSocket(MeshTls.istioMutualClient(
          tls.subjectAltNames().isEmpty() ? identities : tls.subjectAltNames(), protocol));
      case "SIMPLE", "MUTUAL" -> b.setTransportSocket(
          MeshTls.fileClient(tls, spec.service().hostname().value(), protocol));
      default -> {
        // DISABLE: plaintext.
      }
    }
  }

  /**
   * Whether the cluster needs the client's workload certificate whatever the endpoint: its policy
   * says {@code ISTIO_MUTUAL}.
   */
  static boolean requiresMeshTls(OutboundClusterSpec spec) {
    ClientTls tls = spec.policy() == null ? null : spec.policy().tls();
    return tls != null && "ISTIO_MUTUAL".equals(tls.mode());
  }

  /**
   * The cluster as a client without a workload certificate takes it: without automatic mutual
   * TLS (every endpoint is reached in plaintext); null for a cluster that requires mutual TLS,
   * which such a client cannot reach.
   */
  static Cluster withoutMeshTls(OutboundClusterSpec spec, Cluster cluster) {
    if (requiresMeshTls(spec)) {
      return null;
    }
    return cluster.getTransportSocketMatchesCount() == 0
        ? cluster
        : cluster.toBuilder().clearTransportSocketMatches().build();
  }

  /**
   * The cluster as a proxyless gRPC client takes it: grpc-java refuses {@code RANDOM} and {@code
   * MAGLEV} (it knows round robin, least request and ring hash), so such a cluster is round robin,
   * or ring hash, there; it has no active health checking, so {@code health_checks} are left out.
   * Proxyless clients have no workload certificate here (grpc-java takes certificates from
   * certificate providers, not SDS): they reach every endpoint in plaintext, and a cluster that
   * needs TLS ({@code ISTIO_MUTUAL}, {@code SIMPLE}, {@code MUTUAL}) is left out (null).
   */
  static Cluster forProxyless(OutboundClusterSpec spec, Cluster mesh) {
    Cluster cluster = withoutMeshTls(spec, mesh);
    return cluster == null || cluster.hasTransportSocket() ? null : forProxyless(cluster);
  }

  /** The load balancing and health checking part of {@link #forProxyless(OutboundClusterSpec, Cluster)}. */
  static Cluster forProxyless(Cluster cluster) {
    if (cluster.getLbPolicy() == Cluster.LbPolicy.RANDOM) {
      return cluster.toBuilder().setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN).clearHealthChecks().build();
    }
    if (cluster.getLbPolicy() == Cluster.LbPolicy.MAGLEV) {
      return cluster.toBuilder()
          .setLbPolicy(Cluster.LbPolicy.RING_HASH)
          .clearMaglevLbConfig()
          .clearHealthChecks()
          .build();
    }
    return cluster.getHealthChecksCount() == 0
        ? cluster
        : cluster.toBuilder().clearHealthChecks().build();
  }

  /**
   * Istio's consistent hash: {@code maglev} is MAGLEV (with {@code table_size} when given); {@code
   * ringHash} is RING_HASH (with {@code minimum_ring_size} when given); neither is RING_HASH with
   * the deprecated {@code minimumRingSize}, else 1024. The hash key goes on the routes ({@link
   * VirtualServiceRoutes}).
   */
  private static void consistentHash(TrafficPolicy policy, Cluster.Builder b) {
    ConsistentHashLb ch =
        policy == null || policy.loadBalancer() == null ? null : policy.loadBalancer().consistentHash();
    if (ch == null) {
      return;
    }
    if (ch.maglev() != null) {
      b.setLbPolicy(Cluster.LbPolicy.MAGLEV);
      if (ch.maglev().tableSize() != 0) {
        b.setMaglevLbConfig(
            Cluster.MaglevLbConfig.newBuilder().setTableSize(UInt64Value.of(ch.maglev().tableSize())));
      }
    } else if (ch.ringHash() != null) {
      b.setLbPolicy(Cluster.LbPolicy.RING_HASH);
      if (ch.ringHash().minimumRingSize() != 0) {
        b.setRingHashLbConfig(
            Cluster.RingHashLbConfig.newBuilder()
                .setMinimumRingSize(UInt64Value.of(ch.ringHash().minimumRingSize())));
      }
    } else {
      long size = ch.minimumRingSize() != 0 ? ch.minimumRingSize() : DEFAULT_MINIMUM_RING_SIZE;
      b.setLbPolicy(Cluster.LbPolicy.RING_HASH)
          .setRingHashLbConfig(
              Cluster.RingHashLbConfig.newBuilder().setMinimumRingSize(UInt64Value.of(size)));
    }
  }

  /**
   * Istio's outlier detection: success-rate ejection off; {@code consecutive5xxErrors} and {@code
   * consecutiveGatewayErrors} each enforced at 100% (0 disables it), and when only gateway errors
   * are given, consecutive 5xx ejection is off; interval, base ejection time, maximum ejection
   * percentage; local-origin errors split out when asked.
   */
  static io.envoyproxy.envoy.config.cluster.v3.OutlierDetection outlierDetection(
      OutlierDetection o, String where) {
    var b =
        io.envoyproxy.envoy.config.cluster.v3.OutlierDetection.newBuilder()
            .setEnforcingSuccessRate(UInt32Value.of(0));
    if (o.consecutive5xxErrors() != null) {
      int v = o.consecutive5xxErrors();
      b.setConsecutive5Xx(UInt32Value.of(v))
          .setEnforcingConsecutive5Xx(UInt32Value.of(v > 0 ? 100 : 0));
    }
    if (o.consecutiveGatewayErrors() != null) {
      int v = o.consecutiveGatewayErrors();
      b.setConsecutiveGatewayFailure(UInt32Value.of(v))
          .setEnforcingConsecutiveGatewayFailure(UInt32Value.of(v > 0 ? 100 : 0));
      if (o.consecutive5xxErrors() == null) {
        b.setEnforcingConsecutive5Xx(UInt32Value.of(0));
      }
    }
    duration(o.interval(), where + ": outlierDetection.interval").ifPresent(b::setInterval);
    duration(o.baseEjectionTime(), where + ": outlierDetection.baseEjectionTime")
        .ifPresent(b::setBaseEjectionTime);
    if (o.maxEjectionPercent() > 0) {
      b.setMaxEjectionPercent(UInt32Value.of(o.maxEjectionPercent()));
    }
    if (o.splitExternalLocalOriginErrors()) {
      b.setSplitExternalLocalOriginErrors(true);
      if (o.consecutiveLocalOriginFailures() != null && o.consecutiveLocalOriginFailures() > 0) {
        b.setConsecutiveLocalOriginFailure(UInt32Value.of(o.consecutiveLocalOriginFailures()))
            .setEnforcingConsecutiveLocalOriginFailure(UInt32Value.of(100));
      }
      b.setEnforcingLocalOriginSuccessRate(UInt32Value.of(0));
    }
    return b.build();
  }

  private static Optional<com.google.protobuf.Duration> duration(String text, String where) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(IstioDurations.toProto(IstioDurations.parse(text)));
    } catch (IllegalArgumentException e) {
      log.warn("{}: {}; ignored", where, e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Upstream HTTP settings: HTTP/2 for HTTP2 and gRPC ports, and for HTTP ports whose
   * DestinationRule says {@code h2UpgradePolicy: UPGRADE}; the idle timeout and requests per
   * connection of the DestinationRule. Empty when HTTP/1.1 with defaults.
   */
  static Optional<io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions>
      upstreamHttpOptions(Protocol protocol, HttpSettings http, String where) {
    boolean h2 =
        protocol == Protocol.HTTP2
            || protocol == Protocol.GRPC
            || (http != null && "UPGRADE".equals(http.h2UpgradePolicy()) && protocol.isHttp());
    HttpProtocolOptions.Builder common = HttpProtocolOptions.newBuilder();
    if (http != null && http.idleTimeout() != null) {
      try {
        common.setIdleTimeout(IstioDurations.toProto(IstioDurations.parse(http.idleTimeout())));
      } catch (IllegalArgumentException e) {
        log.warn("{}: connectionPool.http.idleTimeout: {}; ignored", where, e.getMessage());
      }
    }
    if (http != null && http.maxRequestsPerConnection() > 0) {
      common.setMaxRequestsPerConnection(UInt32Value.of(http.maxRequestsPerConnection()));
    }
    boolean hasCommon = common.hasIdleTimeout() || common.hasMaxRequestsPerConnection();
    if (!h2 && !hasCommon) {
      return Optional.empty();
    }
    var explicit =
        io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.ExplicitHttpConfig
            .newBuilder();
    if (h2) {
      explicit.setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance());
    } else {
      explicit.setHttpProtocolOptions(Http1ProtocolOptions.getDefaultInstance());
    }
    var options =
        io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.newBuilder()
            .setExplicitHttpConfig(explicit);
    if (hasCommon) {
      options.setCommonHttpProtocolOptions(common);
    }
    return Optional.of(options.build());
  }

  private static Duration connectTimeout(TrafficPolicy policy, String where) {
    if (policy == null
        || policy.connectionPool() == null
        || policy.connectionPool().tcp() == null
        || policy.connectionPool().tcp().connectTimeout() == null) {
      return DEFAULT_CONNECT_TIMEOUT;
    }
    try {
      Duration d = IstioDurations.parse(policy.connectionPool().tcp().connectTimeout());
      if (!d.isZero()) {
        return d;
      }
      log.warn("{}: connectionPool.tcp.connectTimeout: must be greater than 0; 10s used", where);
    } catch (IllegalArgumentException e) {
      log.warn("{}: connectionPool.tcp.connectTimeout: {}; 10s used", where, e.getMessage());
    }
    return DEFAULT_CONNECT_TIMEOUT;
  }

  private static Cluster.LbPolicy lbPolicy(TrafficPolicy policy, String where) {
    String simple =
        policy == null || policy.loadBalancer() == null ? null : policy.loadBalancer().simple();
    if (simple == null) {
      return Cluster.LbPolicy.ROUND_ROBIN;
    }
    switch (simple.toUpperCase(Locale.ROOT)) {
      case "RANDOM":
        return Cluster.LbPolicy.RANDOM;
      case "LEAST_REQUEST":
      case "LEAST_CONN":
        return Cluster.LbPolicy.LEAST_REQUEST;
      case "ROUND_ROBIN":
      case "UNSPECIFIED":
        return Cluster.LbPolicy.ROUND_ROBIN;
      default:
        log.warn("{}: loadBalancer.simple: {} is not supported by Bowline yet; ROUND_ROBIN used",
            where, simple);
        return Cluster.LbPolicy.ROUND_ROBIN;
    }
  }

  private static UInt32Value limit(int configured) {
    return UInt32Value.of(configured > 0 ? configured : UNLIMITED);
  }
}
