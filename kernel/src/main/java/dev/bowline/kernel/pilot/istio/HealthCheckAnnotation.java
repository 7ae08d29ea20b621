package dev.bowline.kernel.pilot.istio;

import java.util.List;

/**
 * Bowline's active health check for the endpoints of a DestinationRule's host, written as the
 * value (YAML or JSON) of the DestinationRule annotation {@code bowline.dev/health-check}. Istio's
 * tools ignore the annotation; Bowline turns it into the {@code health_checks} of every cluster of
 * the host. Exactly one of {@code http}, {@code tcp} or {@code grpc}; durations in Istio's
 * spelling; null means the default.
 *
 * @param http an HTTP GET of {@code path}, healthy on one of {@code expectedStatuses}
 * @param tcp a TCP connect
 * @param grpc the gRPC health checking protocol for {@code service}
 * @param interval time between checks (default 10s)
 * @param timeout time to wait for a check (default 1s)
 * @param healthyThreshold successes before an unhealthy host is healthy again (default 1)
 * @param unhealthyThreshold failures before a host is unhealthy (default 3)
 */
public record HealthCheckAnnotation(
    Http http,
    Tcp tcp,
    Grpc grpc,
    String interval,
    String timeout,
    Integer healthyThreshold,
    Integer unhealthyThreshold) {

  /** An HTTP check: {@code GET path} (with {@code host} as authority, default the cluster's). */
  public record Http(String path, String host, List<Integer> expectedStatuses) {
    public Http {
      expectedStatuses = Lists.of(expectedStatuses);
    }
  }

  /** A TCP connect check; it takes no settings. */
  public record Tcp() {}

  /** A gRPC health check of {@code service} (empty: the server as a whole). */
  public record Grpc(String service) {}
}
