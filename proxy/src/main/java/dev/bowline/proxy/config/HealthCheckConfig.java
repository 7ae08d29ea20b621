package dev.bowline.proxy.config;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A cluster's active health check (Envoy's {@code Cluster.health_checks[0]}): how often each host
 * is probed, how, and how many results in a row change its health. The time to the next check
 * follows Envoy: after a pass, {@code healthy_edge_interval} while an unhealthy host is on its way
 * back, else {@code interval}; after a failure, {@code unhealthy_edge_interval} while a healthy
 * host is on its way out, else {@code unhealthy_interval}; and {@code no_traffic_interval} (for a
 * healthy host {@code no_traffic_healthy_interval}) while the cluster has never opened a
 * connection for traffic.
 *
 * @param timeout how long one check may take, connecting included
 * @param interval the time between checks of a healthy host
 * @param initialJitter a random delay of up to this much before a host's first check
 * @param intervalJitter a random extra of up to this much on each interval
 * @param intervalJitterPercent a random extra of up to this percent of each interval
 * @param unhealthyThreshold failed checks in a row that make a healthy host unhealthy
 * @param healthyThreshold passed checks in a row that make an unhealthy host healthy (the first
 *     check of a host counts alone)
 * @param reuseConnection whether a connection is kept for the next check (default true)
 * @param noTrafficInterval the interval while the cluster has had no traffic (default 60 s)
 * @param noTrafficHealthyInterval the same for a healthy host (default: {@code noTrafficInterval})
 * @param unhealthyInterval the interval after a failure otherwise (default: {@code interval})
 * @param unhealthyEdgeInterval the interval after a failure that leaves a healthy host healthy
 *     for now (default: {@code unhealthyInterval})
 * @param healthyEdgeInterval the interval after a pass that leaves an unhealthy host unhealthy for
 *     now (default: {@code interval})
 * @param probe what one check does
 */
public record HealthCheckConfig(
    Duration timeout,
    Duration interval,
    Duration initialJitter,
    Duration intervalJitter,
    int intervalJitterPercent,
    int unhealthyThreshold,
    int healthyThreshold,
    boolean reuseConnection,
    Duration noTrafficInterval,
    Duration noTrafficHealthyInterval,
    Duration unhealthyInterval,
    Duration unhealthyEdgeInterval,
    Duration healthyEdgeInterval,
    Probe probe) {

  /** Envoy's default {@code no_traffic_interval}. */
  public static final Duration DEFAULT_NO_TRAFFIC_INTERVAL = Duration.ofSeconds(60);

  public HealthCheckConfig {
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(initialJitter, "initialJitter");
    Objects.requireNonNull(intervalJitter, "intervalJitter");
    Objects.requireNonNull(noTrafficInterval, "noTrafficInterval");
    Objects.requireNonNull(noTrafficHealthyInterval, "noTrafficHealthyInterval");
    Objects.requireNonNull(unhealthyInterval, "unhealthyInterval");
    Objects.requireNonNull(unhealthyEdgeInterval, "unhealthyEdgeInterval");
    Objects.requireNonNull(healthyEdgeInterval, "healthyEdgeInterval");
    Objects.requireNonNull(probe, "probe");
  }

  /** What one check does. */
  public sealed interface Probe permits HttpProbe, TcpProbe, GrpcProbe {}

  /**
   * An HTTP request; the host passes when the status is expected.
   *
   * @param path the request path
   * @param host the {@code Host}/{@code :authority}; empty: the cluster's name (as Envoy)
   * @param method the request method (default GET)
   * @param expectedStatuses statuses that pass (default 200 only)
   * @param retriableStatuses failing statuses that count toward {@code unhealthy_threshold}
   *     instead of making the host unhealthy at once
   * @param http2 speak HTTP/2 ({@code codec_client_type: HTTP2}) instead of HTTP/1.1
   */
  public record HttpProbe(
      String path,
      String host,
      String method,
      List<StatusRange> expectedStatuses,
      List<StatusRange> retriableStatuses,
      boolean http2)
      implements Probe {

    public HttpProbe {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(method, "method");
      expectedStatuses = List.copyOf(expectedStatuses);
      retriableStatuses = List.copyOf(retriableStatuses);
    }

    /** Whether {@code status} passes. */
    public boolean expects(int status) {
      return StatusRange.anyContains(expectedStatuses, status);
    }

    /** Whether a failing {@code status} only counts toward the unhealthy threshold. */
    public boolean retriable(int status) {
      return StatusRange.anyContains(retriableStatuses, status);
    }
  }

  /**
   * A TCP connection; with {@code send}, those bytes are written, and with {@code receive}, the
   * host passes once each of those byte strings has arrived, in order. With neither, connecting
   * is the check (and the connection is closed at once).
   */
  public record TcpProbe(ByteString send, List<ByteString> receive) implements Probe {

    public TcpProbe {
      Objects.requireNonNull(send, "send");
      receive = List.copyOf(receive);
    }

    /** Whether the check is a bare connect. */
    public boolean connectOnly() {
      return receive.isEmpty();
    }
  }

  /**
   * gRPC's standard health check, {@code grpc.health.v1.Health/Check} over HTTP/2: the host passes
   * when the answer is {@code SERVING}.
   *
   * @param serviceName the service asked about; empty: the server as a whole
   * @param authority the {@code :authority}; empty: the cluster's name (as Envoy)
   */
  public record GrpcProbe(String serviceName, String authority) implements Probe {

    public GrpcProbe {
      Objects.requireNonNull(serviceName, "serviceName");
      Objects.requireNonNull(authority, "authority");
    }
  }

  /** HTTP statuses from {@code start} (inclusive) to {@code end} (exclusive), as Envoy's ranges. */
  public record StatusRange(int start, int end) {

    /** 200 only, Envoy's default {@code expected_statuses}. */
    public static final List<StatusRange> OK_ONLY = List.of(new StatusRange(200, 201));

    /** Whether {@code status} is in this range. */
    public boolean contains(int status) {
      return status >= start && status < end;
    }

    static boolean anyContains(List<StatusRange> ranges, int status) {
      for (StatusRange r : ranges) {
        if (r.contains(status)) {
          return true;
        }
      }
      return false;
    }
  }
}
