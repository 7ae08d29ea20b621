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
      JsonNode outlierDetection,
      JsonNode tls,
      JsonNode portLevelSettings,
      JsonNode tunnel,
      JsonNode proxyProtocol) {}

  /** Istio's {@code LoadBalancerSettings}: {@code simple} or {@code consistentHash}. */
  public record LoadBalancerSettings(
      String simple,
      JsonNode consistentHash,
      JsonNode localityLbSetting,
      JsonNode warmupDurationSecs,
      JsonNode warmup) {}

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
