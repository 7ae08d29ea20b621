package dev.bowline.proxy.config;

import dev.bowline.spi.model.Endpoint;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One upstream cluster (Envoy's {@code Cluster}): how to reach its endpoints, balance across them
 * and protect them.
 *
 * @param name the cluster's unique name
 * @param discovery where its endpoints come from
 * @param endpoints the endpoints (STATIC: from {@code load_assignment}; EDS: filled in later)
 * @param lbPolicy the canonical name of the load balancer, such as {@code bowline.lb.round_robin}
 * @param lbConfig the balancer's configuration tree (for example {@code choiceCount})
 * @param connectTimeout the time to establish a connection (Envoy default 5 s)
 * @param protocol the protocol spoken to the endpoints
 * @param tls TLS origination, when configured
 * @param limits the circuit-breaker thresholds (default priority)
 * @param idleTimeout an idle pooled connection is closed after this (Envoy default 1 h)
 * @param maxRequestsPerConnection a connection is retired after this many requests; 0 = no limit
 */
public record ClusterConfig(
    String name,
    Discovery discovery,
    List<Endpoint> endpoints,
    String lbPolicy,
    Map<String, Object> lbConfig,
    Duration connectTimeout,
    UpstreamProtocol protocol,
    Optional<TlsClientConfig> tls,
    CircuitBreakerLimits limits,
    Duration idleTimeout,
    int maxRequestsPerConnection) {

  public ClusterConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(discovery, "discovery");
    endpoints = List.copyOf(endpoints);
    Objects.requireNonNull(lbPolicy, "lbPolicy");
    lbConfig = Map.copyOf(lbConfig);
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
  }

  /** Where a cluster's endpoints come from (Envoy's {@code type}). */
  public enum Discovery {
    STATIC,
    EDS
  }

  /** The protocol spoken upstream. */
  public enum UpstreamProtocol {
    HTTP1,
    HTTP2
  }

  /**
   * Envoy's circuit-breaker thresholds (defaults 1024 each, retries 3).
   *
   * @param maxConnections connections open to the whole cluster at once
   * @param maxPendingRequests requests waiting for a connection
   * @param maxRequests requests in flight
   * @param maxRetries retries in flight
   */
  public record CircuitBreakerLimits(
      int maxConnections, int maxPendingRequests, int maxRequests, int maxRetries) {

    /** Envoy's defaults. */
    public static final CircuitBreakerLimits DEFAULTS = new CircuitBreakerLimits(1024, 1024, 1024, 3);
  }
}
