package dev.bowline.kernel.pilot.istio;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * Istio's {@code DestinationRule} spec: policies for traffic to {@code host} after routing, and
 * the subsets (versions) a VirtualService can route to.
 */
public record DestinationRule(
    String host,
    TrafficPolicy trafficPolicy,
    List<Subset> subsets,
    List<String> exportTo,
    JsonNode workloadSelector) {

  public DestinationRule {
    subsets = Lists.of(subsets);
    exportTo = Lists.of(exportTo);
  }

  /** A named set of endpoints selected by label equality, with an optional policy override. */
  public record Subset(String name, Map<String, String> labels, TrafficPolicy trafficPolicy) {
    public Subset {
      labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
  }

  /** Istio's {@code TrafficPolicy}. */
  public record TrafficPolicy(
      LoadBalancerSettings loadBalancer,
      ConnectionPoolSettings connectionPool,
      OutlierDetection outlierDetection,
      ClientTls tls,
      List<PortTrafficPolicy> portLevelSettings,
      JsonNode tunnel,
      JsonNode proxyProtocol) {
    public TrafficPolicy {
      portLevelSettings = Lists.of(portLevelSettings);
    }
  }

  /**
   * Istio's {@code TrafficPolicy.PortTrafficPolicy}: the policy of one port of the destination,
   * each field replacing the enclosing policy's.
   */
  public record PortTrafficPolicy(
      PortSelector port,
      LoadBalancerSettings loadBalancer,
      ConnectionPoolSettings connectionPool,
      OutlierDetection outlierDetection,
      ClientTls tls) {}

  /**
   * Istio's {@code ClientTLSSettings}: how the client proxy speaks TLS to the destination. {@code
   * DISABLE}: plaintext; {@code SIMPLE}: TLS verified with {@code caCertificates}; {@code MUTUAL}:
   * also presents {@code clientCertificate}/{@code privateKey}; {@code ISTIO_MUTUAL}: the mesh's
   * mutual TLS with the proxy's workload certificate. Files are read on the client proxy's host.
   */
  public record ClientTls(
      String mode,
      String clientCertificate,
      String privateKey,
      String caCertificates,
      String credentialName,
      List<String> subjectAltNames,
      String sni,
      Boolean insecureSkipVerify,
      JsonNode caCrl) {
    public ClientTls {
      subjectAltNames = Lists.of(subjectAltNames);
    }
  }

  /** Istio's {@code LoadBalancerSettings}: {@code simple} or {@code consistentHash}. */
  public record LoadBalancerSettings(
      String simple,
      ConsistentHashLb consistentHash,
      LocalityLbSetting localityLbSetting,
      JsonNode warmupDurationSecs,
      JsonNode warmup) {}

  /**
   * Istio's {@code ConsistentHashLB}: one hash key ({@code httpHeaderName}, {@code httpCookie},
   * {@code useSourceIp}, {@code httpQueryParameterName}) and the ring ({@code ringHash}, or
   * {@code maglev}, or the deprecated {@code minimumRingSize}); 0 means unset.
   */
  public record ConsistentHashLb(
      String httpHeaderName,
      HttpCookie httpCookie,
      Boolean useSourceIp,
      String httpQueryParameterName,
      RingHash ringHash,
      Maglev maglev,
      long minimumRingSize) {}

  /** A cookie to hash on; Envoy generates it with {@code ttl} when the request has none. */
  public record HttpCookie(String name, String path, String ttl, JsonNode attributes) {}

  /** Istio's {@code RingHash}: the minimum number of entries of the ring, 0 for the default. */
  public record RingHash(long minimumRingSize) {}

  /** Istio's {@code MagLev}: the table size (a prime), 0 for the default. */
  public record Maglev(long tableSize) {}

  /**
   * Istio's {@code LocalityLoadBalancerSetting}: weights across localities ({@code distribute})
   * or failover order ({@code failover}, {@code failoverPriority}); {@code enabled: false} turns
   * locality load balancing off.
   */
  public record LocalityLbSetting(
      List<Distribute> distribute,
      List<Failover> failover,
      List<String> failoverPriority,
      Boolean enabled) {
    public LocalityLbSetting {
      distribute = Lists.of(distribute);
      failover = Lists.of(failover);
      failoverPriority = Lists.of(failoverPriority);
    }

    /** Traffic from {@code from} (a locality, {@code *} wildcards) split by weight over {@code to}. */
    public record Distribute(String from, Map<String, Integer> to) {
      public Distribute {
        to = to == null ? Map.of() : Map.copyOf(to);
      }
    }

    /** When region {@code from} has no healthy endpoint, go to region {@code to}. */
    public record Failover(String from, String to) {}
  }

  /**
   * Istio's {@code OutlierDetection}. Null means unset; {@code consecutiveErrors} is deprecated
   * and not applied.
   */
  public record OutlierDetection(
      Integer consecutive5xxErrors,
      Integer consecutiveGatewayErrors,
      JsonNode consecutiveErrors,
      Integer consecutiveLocalOriginFailures,
      boolean splitExternalLocalOriginErrors,
      String interval,
      String baseEjectionTime,
      int maxEjectionPercent,
      int minHealthPercent) {}

  /** Istio's {@code ConnectionPoolSettings}. */
  public record ConnectionPoolSettings(TcpSettings tcp, HttpSettings http) {}

  /** Istio's {@code ConnectionPoolSettings.TCPSettings}; zero means unset. */
  public record TcpSettings(
      int maxConnections,
      String connectTimeout,
      JsonNode tcpKeepalive,
      JsonNode maxConnectionDuration,
      JsonNode idleTimeout) {}

  /** Istio's {@code ConnectionPoolSettings.HTTPSettings}; zero means unset. */
  public record HttpSettings(
      int http1MaxPendingRequests,
      int http2MaxRequests,
      int maxRequestsPerConnection,
      int maxRetries,
      String idleTimeout,
      String h2UpgradePolicy,
      JsonNode useClientProtocol,
      JsonNode maxConcurrentStreams) {}
}
