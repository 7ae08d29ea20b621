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
 * @param assignment the endpoints with their priorities (STATIC: from {@code load_assignment};
 *     EDS and DNS: filled in later, by EDS or by resolving {@code dns}); {@link #endpoints()}
 *     lists them without priorities
 * @param lbPolicy the canonical name of the load balancer, such as {@code bowline.lb.round_robin}
 * @param lbConfig the balancer's configuration tree (for example {@code choiceCount})
 * @param connectTimeout the time to establish a connection (Envoy default 5 s)
 * @param protocol the protocol spoken to the endpoints
 * @param tls TLS origination, when configured
 * @param limits the circuit-breaker thresholds (default priority)
 * @param idleTimeout an idle pooled connection is closed after this (Envoy default 1 h)
 * @param maxRequestsPerConnection a connection is retired after this many requests; 0 = no limit
 * @param dns for STRICT_DNS and LOGICAL_DNS clusters, the names to resolve and how; then
 *     {@code assignment} is empty and the cluster manager fills the hosts in by resolving
 * @param health outlier detection, active health checking and the panic threshold
 * @param socketMatches {@code transport_socket_matches}, in order: sockets chosen per endpoint
 *     before {@code tls}
 */
public record ClusterConfig(
    String name,
    Discovery discovery,
    LoadAssignment assignment,
    String lbPolicy,
    Map<String, Object> lbConfig,
    Duration connectTimeout,
    UpstreamProtocol protocol,
    Optional<TlsClientConfig> tls,
    CircuitBreakerLimits limits,
    Duration idleTimeout,
    int maxRequestsPerConnection,
    Optional<DnsSettings> dns,
    HealthPolicy health,
    List<TransportSocketMatch> socketMatches) {

  public ClusterConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(discovery, "discovery");
    Objects.requireNonNull(assignment, "assignment");
    Objects.requireNonNull(lbPolicy, "lbPolicy");
    lbConfig = Map.copyOf(lbConfig);
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(dns, "dns");
    Objects.requireNonNull(health, "health");
    socketMatches = List.copyOf(socketMatches);
  }

  /** A cluster with one transport socket for every endpoint ({@code transport_socket_matches} empty). */
  public ClusterConfig(
      String name,
      Discovery discovery,
      LoadAssignment assignment,
      String lbPolicy,
      Map<String, Object> lbConfig,
      Duration connectTimeout,
      UpstreamProtocol protocol,
      Optional<TlsClientConfig> tls,
      CircuitBreakerLimits limits,
      Duration idleTimeout,
      int maxRequestsPerConnection,
      Optional<DnsSettings> dns,
      HealthPolicy health) {
    this(name, discovery, assignment, lbPolicy, lbConfig, connectTimeout, protocol, tls, limits,
        idleTimeout, maxRequestsPerConnection, dns, health, List.of());
  }

  /** A cluster without outlier detection or health checks, endpoints all at priority 0. */
  public ClusterConfig(
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
      int maxRequestsPerConnection,
      Optional<DnsSettings> dns) {
    this(name, discovery, LoadAssignment.of(endpoints), lbPolicy, lbConfig, connectTimeout,
        protocol, tls, limits, idleTimeout, maxRequestsPerConnection, dns, HealthPolicy.NONE);
  }

  /** A cluster whose endpoints are IP literals (no DNS), without health checking. */
  public ClusterConfig(
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
    this(name, discovery, endpoints, lbPolicy, lbConfig, connectTimeout, protocol, tls, limits,
        idleTimeout, maxRequestsPerConnection, Optional.empty());
  }

  /** The endpoints of {@link #assignment()}, without their priorities. */
  public List<Endpoint> endpoints() {
    return assignment.plainEndpoints();
  }

  /** This cluster with other endpoints (as EDS gives them); everything else stays. */
  public ClusterConfig withAssignment(LoadAssignment next) {
    return new ClusterConfig(name, discovery, next, lbPolicy, lbConfig, connectTimeout, protocol,
        tls, limits, idleTimeout, maxRequestsPerConnection, dns, health, socketMatches);
  }

  /**
   * How a cluster judges its hosts' health and what it does when few are healthy.
   *
   * @param outlierDetection passive health checking ({@code outlier_detection}), if configured
   * @param healthCheck active health checking ({@code health_checks[0]}), if configured
   * @param healthyPanicThreshold {@code common_lb_config.healthy_panic_threshold} in percent
   *     (Envoy's default 50): when fewer of a priority level's hosts are healthy, it balances
   *     across all of them; 0 disables panic mode
   */
  public record HealthPolicy(
      Optional<OutlierDetectionConfig> outlierDetection,
      Optional<HealthCheckConfig> healthCheck,
      int healthyPanicThreshold) {

    /** Envoy's default {@code healthy_panic_threshold}. */
    public static final int DEFAULT_PANIC_THRESHOLD = 50;

    /** No outlier detection, no health checks, the default panic threshold. */
    public static final HealthPolicy NONE =
        new HealthPolicy(Optional.empty(), Optional.empty(), DEFAULT_PANIC_THRESHOLD);

    public HealthPolicy {
      Objects.requireNonNull(outlierDetection, "outlierDetection");
      Objects.requireNonNull(healthCheck, "healthCheck");
      if (healthyPanicThreshold < 0 || healthyPanicThreshold > 100) {
        throw new IllegalArgumentException(
            "panic threshold " + healthyPanicThreshold + " is not a percentage");
      }
    }
  }

  /**
   * How a STRICT_DNS or LOGICAL_DNS cluster finds its hosts.
   *
   * @param assignment the endpoints as configured, each {@code address} a host name or IP literal,
   *     with their priorities; the hosts a name resolves to keep its priority
   * @param strict STRICT_DNS (every resolved address is a host) or LOGICAL_DNS (the first only)
   * @param lookupFamily which address families to keep
   * @param refreshRate how often names are resolved again (Envoy default 5 s)
   */
  public record DnsSettings(
      LoadAssignment assignment,
      boolean strict,
      DnsLookupFamily lookupFamily,
      Duration refreshRate) {

    /** Envoy's default {@code dns_refresh_rate}. */
    public static final Duration DEFAULT_REFRESH_RATE = Duration.ofSeconds(5);

    public DnsSettings {
      Objects.requireNonNull(assignment, "assignment");
      Objects.requireNonNull(lookupFamily, "lookupFamily");
      Objects.requireNonNull(refreshRate, "refreshRate");
    }

    /** Names at priority 0 with the default policy. */
    public DnsSettings(
        List<Endpoint> targets, boolean strict, DnsLookupFamily lookupFamily, Duration refreshRate) {
      this(LoadAssignment.of(targets), strict, lookupFamily, refreshRate);
    }

    /** The endpoints to resolve, without their priorities. */
    public List<Endpoint> targets() {
      return assignment.plainEndpoints();
    }
  }

  /** Envoy's {@code dns_lookup_family}. */
  public enum DnsLookupFamily {
    /** IPv6 if the name has any, else IPv4 (Envoy's AUTO). */
    AUTO,
    V4_ONLY,
    V6_ONLY,
    /** IPv4 if the name has any, else IPv6. */
    V4_PREFERRED,
    /** Both families. */
    ALL
  }

  /** Where a cluster's endpoints come from (Envoy's {@code type}). */
  public enum Discovery {
    STATIC,
    EDS,
    STRICT_DNS,
    LOGICAL_DNS
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
