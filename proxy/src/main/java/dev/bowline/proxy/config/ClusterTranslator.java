package dev.bowline.proxy.config;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Value;
import dev.bowline.proxy.config.ClusterConfig.CircuitBreakerLimits;
import dev.bowline.proxy.config.ClusterConfig.Discovery;
import dev.bowline.proxy.config.ClusterConfig.DnsLookupFamily;
import dev.bowline.proxy.config.ClusterConfig.DnsSettings;
import dev.bowline.proxy.config.ClusterConfig.HealthPolicy;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Translates one Envoy v3 {@code Cluster} (from a bootstrap's {@code static_resources} or, later,
 * from CDS) into a {@link ClusterConfig}, after checking it against the fields Bowline supports.
 * Every problem is reported at once, each starting with its field path under the {@code path}
 * given by the caller (such as {@code static_resources.clusters[0]}).
 *
 * <p>Supported: {@code type} STATIC (the default, endpoints from {@code load_assignment}), EDS
 * (endpoints arrive later; {@code eds_cluster_config} is accepted), STRICT_DNS and LOGICAL_DNS
 * (endpoint addresses may be host names, resolved by the cluster manager every
 * {@code dns_refresh_rate}, default 5 s, keeping the families {@code dns_lookup_family} asks for;
 * LOGICAL_DNS takes exactly one endpoint); {@code lb_policy}
 * ROUND_ROBIN, RANDOM and LEAST_REQUEST, mapped to the balancers {@code bowline.lb.round_robin},
 * {@code bowline.lb.random} and {@code bowline.lb.least_request} (whose configuration gets
 * {@code choiceCount} from {@code least_request_lb_config.choice_count}), RING_HASH and MAGLEV,
 * mapped to {@code bowline.lb.ring_hash} and {@code bowline.lb.maglev} (see {@link
 * HashBalancerConfig}); circuit breakers of
 * priority DEFAULT; HTTP/1.1 or HTTP/2 upstream from
 * {@code typed_extension_protocol_options["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"]}
 * or the legacy {@code http2_protocol_options}; TLS origination, also per endpoint through {@code
 * transport_socket_matches} ({@link TransportSocketMatch}); {@code outlier_detection} (see
 * {@link OutlierDetectionTranslator}), one active health check (see {@link
 * HealthCheckTranslator}) and {@code common_lb_config.healthy_panic_threshold}. Defaults are
 * Envoy's: connect timeout 5 s, idle timeout 1 h, no request limit per connection, thresholds
 * 1024/1024/1024/3, panic threshold 50%.
 *
 * <p>Pure and stateless: safe to call from any thread.
 */
public final class ClusterTranslator {

  /** Envoy's plaintext transport socket, as a {@code transport_socket_matches} entry names it. */
  static final String RAW_BUFFER_SOCKET = "envoy.transport_sockets.raw_buffer";

  /** Envoy's default connect timeout. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** Envoy's default idle timeout of an upstream connection. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(1);

  static final String ROUND_ROBIN = "bowline.lb.round_robin";
  static final String RANDOM = "bowline.lb.random";
  static final String LEAST_REQUEST = "bowline.lb.least_request";
  static final String RING_HASH = "bowline.lb.ring_hash";
  static final String MAGLEV = "bowline.lb.maglev";

  private ClusterTranslator() {}

  /**
   * Translates a cluster.
   *
   * @param cluster the Envoy cluster
   * @param path its path, prefixed to each problem's field path; may be empty
   * @throws ConfigException every problem found, each starting with its field path
   */
  public static ClusterConfig translate(Cluster cluster, String path) throws ConfigException {
    Problems problems = new Problems();
    SupportedFieldsValidator.validate(cluster, SupportedFields.CLUSTER, path, problems);
    ClusterConfig config = build(cluster, path, problems);
    problems.throwIfAny();
    return config;
  }

  private static ClusterConfig build(Cluster cluster, String path, Problems problems) {
    int before = problems.size();
    if (cluster.getName().isEmpty()) {
      problems.add(Problems.join(path, "name"), "required");
    }
    Discovery discovery = discovery(cluster, path, problems);
    LoadAssignment endpoints = LoadAssignment.EMPTY;
    if (discovery == Discovery.STATIC && cluster.hasLoadAssignment()) {
      endpoints =
          EndpointTranslator.endpoints(
              cluster.getLoadAssignment(), Problems.join(path, "load_assignment"), problems);
    }
    Optional<DnsSettings> dns = dns(cluster, discovery, path, problems);
    Duration connectTimeout =
        ProtoValues.positiveDuration(cluster.hasConnectTimeout(), cluster.getConnectTimeout(),
            DEFAULT_CONNECT_TIMEOUT, Problems.join(path, "connect_timeout"), problems);
    String lbPolicy = lbPolicy(cluster, Problems.join(path, "lb_policy"), problems);
    Map<String, Object> lbConfig = lbConfig(cluster, path, problems);
    CircuitBreakerLimits limits =
        limits(cluster.getCircuitBreakers(), Problems.join(path, "circuit_breakers"), problems);
    UpstreamHttpOptions http = UpstreamHttpOptions.read(cluster, path, problems);
    Optional<TlsClientConfig> tls = tls(cluster, path, problems);
    List<TransportSocketMatch> socketMatches = socketMatches(cluster, path, problems);
    HealthPolicy health = health(cluster, http, path, problems);
    if (problems.size() > before || discovery == null || lbPolicy == null || http == null
        || health == null) {
      return null;
    }
    return new ClusterConfig(
        cluster.getName(),
        discovery,
        endpoints,
        lbPolicy,
        lbConfig,
        connectTimeout,
        http.protocol(),
        tls,
        limits,
        http.idleTimeout(),
        http.maxRequestsPerConnection(),
        dns,
        health,
        socketMatches);
  }

  /**
   * {@code transport_socket_matches}: each a name, a {@code match} of string values and a socket,
   * TLS ({@link #TLS_SOCKET}) or plaintext ({@code envoy.transport_sockets.raw_buffer}).
   */
  private static List<TransportSocketMatch> socketMatches(
      Cluster cluster, String path, Problems problems) {
    List<TransportSocketMatch> out = new ArrayList<>();
    for (int i = 0; i < cluster.getTransportSocketMatchesCount(); i++) {
      Cluster.TransportSocketMatch m = cluster.getTransportSocketMatches(i);
      String at = Problems.index(Problems.join(path, "transport_socket_matches"), i);
      int before = problems.size();
      Map<String, String> match = new TreeMap<>();
      m.getMatch().getFieldsMap().forEach((key, value) -> {
        if (value.getKindCase() == Value.KindCase.STRING_VALUE) {
          match.put(key, value.getStringValue());
        } else {
          problems.add(Problems.join(Problems.join(at, "match"), key),
              "must be a string (endpoints' transport socket labels are strings)");
        }
      });
      Optional<TlsClientConfig> tls = Optional.empty();
      TransportSocket socket = m.getTransportSocket();
      if (!socket.getName().equals(RAW_BUFFER_SOCKET) || socket.hasTypedConfig()) {
        tls = socketTls(socket, Problems.join(at, "transport_socket"), problems);
        if (tls.isEmpty() && problems.size() == before) {
          problems.add(Problems.join(at, "transport_socket"), "required: "
              + FilterChainTranslator.TLS_TRANSPORT_SOCKET + " or " + RAW_BUFFER_SOCKET);
        }
      }
      if (problems.size() == before) {
        out.add(new TransportSocketMatch(m.getName(), match, tls));
      }
    }
    return out;
  }

  /**
   * Outlier detection, the health check and the panic threshold; null after reporting a problem.
   */
  private static HealthPolicy health(
      Cluster cluster, UpstreamHttpOptions http, String path, Problems problems) {
    int before = problems.size();
    Optional<OutlierDetectionConfig> outlier = Optional.empty();
    if (cluster.hasOutlierDetection()) {
      outlier = Optional.ofNullable(OutlierDetectionTranslator.translate(
          cluster.getOutlierDetection(), Problems.join(path, "outlier_detection"), problems));
    }
    boolean http2 = http != null && http.protocol() == ClusterConfig.UpstreamProtocol.HTTP2;
    Optional<HealthCheckConfig> check =
        HealthCheckTranslator.translate(
            cluster.getHealthChecksList(), http2, Problems.join(path, "health_checks"), problems);
    int panic = HealthPolicy.DEFAULT_PANIC_THRESHOLD;
    if (cluster.getCommonLbConfig().hasHealthyPanicThreshold()) {
      double value = cluster.getCommonLbConfig().getHealthyPanicThreshold().getValue();
      if (!(value >= 0 && value <= 100)) {
        problems.add(Problems.join(path, "common_lb_config.healthy_panic_threshold.value"),
            "must be a percentage from 0 to 100, not " + value);
      } else {
        panic = (int) Math.round(value); // Envoy rounds the percentage to an integer
      }
    }
    if (problems.size() > before || check == null) {
      return null;
    }
    return new HealthPolicy(outlier, check, panic);
  }

  /** A DNS cluster's names, lookup family and refresh rate; empty for other types. */
  private static Optional<DnsSettings> dns(
      Cluster cluster, Discovery discovery, String path, Problems problems) {
    boolean isDns = discovery == Discovery.STRICT_DNS || discovery == Discovery.LOGICAL_DNS;
    if (!isDns) {
      if (discovery != null && cluster.hasDnsRefreshRate()) {
        problems.add(
            Problems.join(path, "dns_refresh_rate"), "only for type STRICT_DNS or LOGICAL_DNS");
      }
      return Optional.empty();
    }
    String assignmentPath = Problems.join(path, "load_assignment");
    int before = problems.size();
    LoadAssignment targets =
        cluster.hasLoadAssignment()
            ? EndpointTranslator.endpoints(
                cluster.getLoadAssignment(), true, assignmentPath, problems)
            : LoadAssignment.EMPTY;
    if (problems.size() > before) {
      return Optional.empty(); // the endpoints' problems say enough
    }
    if (targets.endpoints().isEmpty()) {
      problems.add(assignmentPath, "a " + discovery + " cluster needs an endpoint to resolve");
    } else if (discovery == Discovery.LOGICAL_DNS && targets.endpoints().size() > 1) {
      problems.add(assignmentPath, "a LOGICAL_DNS cluster takes exactly one endpoint");
    }
    Duration refreshRate =
        ProtoValues.positiveDuration(cluster.hasDnsRefreshRate(), cluster.getDnsRefreshRate(),
            DnsSettings.DEFAULT_REFRESH_RATE, Problems.join(path, "dns_refresh_rate"), problems);
    DnsLookupFamily family;
    switch (cluster.getDnsLookupFamily()) {
      case AUTO:
        family = DnsLookupFamily.AUTO;
        break;
      case V4_ONLY:
        family = DnsLookupFamily.V4_ONLY;
        break;
      case V6_ONLY:
        family = DnsLookupFamily.V6_ONLY;
        break;
      case V4_PREFERRED:
        family = DnsLookupFamily.V4_PREFERRED;
        break;
      case ALL:
        family = DnsLookupFamily.ALL;
        break;
      default:
        problems.add(Problems.join(path, "dns_lookup_family"), cluster.getDnsLookupFamily()
            + " is not supported (supported: AUTO, V4_ONLY, V6_ONLY, V4_PREFERRED, ALL)");
        return Optional.empty();
    }
    return Optional.of(
        new DnsSettings(targets, discovery == Discovery.STRICT_DNS, family, refreshRate));
  }

  private static Discovery discovery(Cluster cluster, String path, Problems problems) {
    String typePath = Problems.join(path, "type");
    if (cluster.getClusterDiscoveryTypeCase()
        == Cluster.ClusterDiscoveryTypeCase.CLUSTER_TYPE) {
      return null; // a custom cluster_type: reported by the supported-subset check
    }
    Discovery discovery;
    switch (cluster.getType()) {
      case STATIC:
        discovery = Discovery.STATIC;
        break;
      case EDS:
        discovery = Discovery.EDS;
        break;
      case STRICT_DNS:
        discovery = Discovery.STRICT_DNS;
        break;
      case LOGICAL_DNS:
        discovery = Discovery.LOGICAL_DNS;
        break;
      default:
        problems.add(typePath, cluster.getType() + " is not supported by Bowline yet (supported:"
            + " STATIC with IP endpoints, EDS, STRICT_DNS, LOGICAL_DNS)");
        return null;
    }
    if (discovery != null && discovery != Discovery.EDS && cluster.hasEdsClusterConfig()) {
      problems.add(Problems.join(path, "eds_cluster_config"), "only for type EDS");
    }
    if (discovery == Discovery.EDS && cluster.hasLoadAssignment()) {
      problems.add(Problems.join(path, "load_assignment"),
          "an EDS cluster takes its endpoints from EDS, not from load_assignment");
    }
    return discovery;
  }

  private static String lbPolicy(Cluster cluster, String path, Problems problems) {
    switch (cluster.getLbPolicy()) {
      case ROUND_ROBIN:
        return ROUND_ROBIN;
      case RANDOM:
        return RANDOM;
      case LEAST_REQUEST:
        return LEAST_REQUEST;
      case RING_HASH:
        return RING_HASH;
      case MAGLEV:
        return MAGLEV;
      default:
        problems.add(path, cluster.getLbPolicy() + " is not supported by Bowline yet (supported:"
            + " ROUND_ROBIN, RANDOM, LEAST_REQUEST, RING_HASH, MAGLEV)");
        return null;
    }
  }

  private static Map<String, Object> lbConfig(Cluster cluster, String path, Problems problems) {
    Map<String, Object> hashing = HashBalancerConfig.translate(cluster, path, problems);
    if (!cluster.hasLeastRequestLbConfig()) {
      return hashing;
    }
    String configPath = Problems.join(path, "least_request_lb_config");
    if (cluster.getLbPolicy() != Cluster.LbPolicy.LEAST_REQUEST) {
      problems.add(configPath, "only for lb_policy LEAST_REQUEST");
      return Map.of();
    }
    var config = cluster.getLeastRequestLbConfig();
    if (!config.hasChoiceCount()) {
      return Map.of();
    }
    int choiceCount =
        ProtoValues.uint32(config.getChoiceCount().getValue(), 2, Integer.MAX_VALUE,
            Problems.join(configPath, "choice_count"), problems, 2);
    return Map.of("choiceCount", choiceCount);
  }

  private static CircuitBreakerLimits limits(
      CircuitBreakers breakers, String path, Problems problems) {
    CircuitBreakerLimits limits = CircuitBreakerLimits.DEFAULTS;
    boolean seenDefault = false;
    String thresholdsPath = Problems.join(path, "thresholds");
    for (int i = 0; i < breakers.getThresholdsCount(); i++) {
      CircuitBreakers.Thresholds t = breakers.getThresholds(i);
      String p = Problems.index(thresholdsPath, i);
      if (t.getPriority() != RoutingPriority.DEFAULT) {
        problems.add(Problems.join(p, "priority"), t.getPriority()
            + " is not supported by Bowline yet (only DEFAULT)");
        continue;
      }
      if (seenDefault) {
        problems.add(Problems.join(p, "priority"), "DEFAULT is given twice");
        continue;
      }
      seenDefault = true;
      CircuitBreakerLimits d = CircuitBreakerLimits.DEFAULTS;
      limits =
          new CircuitBreakerLimits(
              ProtoValues.uint32(t.hasMaxConnections(), t.getMaxConnections(), d.maxConnections(),
                  0, Integer.MAX_VALUE, Problems.join(p, "max_connections"), problems),
              ProtoValues.uint32(t.hasMaxPendingRequests(), t.getMaxPendingRequests(),
                  d.maxPendingRequests(), 0, Integer.MAX_VALUE,
                  Problems.join(p, "max_pending_requests"), problems),
              ProtoValues.uint32(t.hasMaxRequests(), t.getMaxRequests(), d.maxRequests(), 0,
                  Integer.MAX_VALUE, Problems.join(p, "max_requests"), problems),
              ProtoValues.uint32(t.hasMaxRetries(), t.getMaxRetries(), d.maxRetries(), 0,
                  Integer.MAX_VALUE, Problems.join(p, "max_retries"), problems));
    }
    return limits;
  }

  private static Optional<TlsClientConfig> tls(Cluster cluster, String path, Problems problems) {
    if (!cluster.hasTransportSocket()) {
      return Optional.empty();
    }
    return socketTls(cluster.getTransportSocket(), Problems.join(path, "transport_socket"), problems);
  }

  private static Optional<TlsClientConfig> socketTls(
      TransportSocket socket, String socketPath, Problems problems) {
    if (!socket.hasTypedConfig()) {
      problems.add(socketPath, "transport socket '" + socket.getName() + "' is not supported by"
          + " Bowline yet: use " + FilterChainTranslator.TLS_TRANSPORT_SOCKET
          + " with a typed_config of type UpstreamTlsContext");
      return Optional.empty();
    }
    Any config = socket.getTypedConfig();
    if (!config.is(UpstreamTlsContext.class)) {
      return Optional.empty(); // reported by the supported-subset check
    }
    String configPath = Problems.join(socketPath, "typed_config");
    try {
      return Optional.ofNullable(
          UpstreamTlsTranslator.translate(
              config.unpack(UpstreamTlsContext.class), configPath, problems));
    } catch (InvalidProtocolBufferException e) {
      problems.add(configPath, "cannot decode: " + e.getMessage());
      return Optional.empty();
    }
  }
}
