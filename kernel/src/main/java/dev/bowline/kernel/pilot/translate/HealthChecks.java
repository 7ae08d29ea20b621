package dev.bowline.kernel.pilot.translate;

import com.google.protobuf.UInt32Value;
import dev.bowline.kernel.pilot.istio.HealthCheckAnnotation;
import dev.bowline.spi.model.Protocol;
import io.envoyproxy.envoy.config.core.v3.HealthCheck;
import io.envoyproxy.envoy.type.v3.CodecClientType;
import io.envoyproxy.envoy.type.v3.Int64Range;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Translates a DestinationRule's {@code bowline.dev/health-check} annotation into an Envoy {@code
 * HealthCheck}: {@code http_health_check} ({@code path}, {@code host}, {@code expected_statuses}
 * as one-status ranges, HTTP/2 for HTTP2 and gRPC ports), {@code tcp_health_check} or {@code
 * grpc_health_check} ({@code service_name}); interval 10s, timeout 1s, healthy threshold 1 and
 * unhealthy threshold 3 unless given (the defaults of a Kubernetes probe). An HTTP check without
 * {@code host} names the service ({@code reviews.default.svc.cluster.local}), not Envoy's default
 * of the cluster name, which is no valid host. {@code no_traffic_interval} is the interval: an
 * operator expects the interval they wrote to apply at once, not Envoy's 60 s until the cluster
 * sees traffic. Stateless.
 */
final class HealthChecks {

  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
  static final int DEFAULT_HEALTHY_THRESHOLD = 1;
  static final int DEFAULT_UNHEALTHY_THRESHOLD = 3;

  private static final Logger log = LoggerFactory.getLogger(HealthChecks.class);

  private HealthChecks() {}

  /** The health check of a cluster of a port speaking {@code protocol}. */
  static HealthCheck of(
      HealthCheckAnnotation hc, Protocol protocol, String serviceHost, String where) {
    com.google.protobuf.Duration interval =
        IstioDurations.toProto(duration(hc.interval(), DEFAULT_INTERVAL, where));
    HealthCheck.Builder b =
        HealthCheck.newBuilder()
            .setInterval(interval)
            .setNoTrafficInterval(interval)
            .setTimeout(IstioDurations.toProto(duration(hc.timeout(), DEFAULT_TIMEOUT, where)))
            .setHealthyThreshold(UInt32Value.of(or(hc.healthyThreshold(), DEFAULT_HEALTHY_THRESHOLD)))
            .setUnhealthyThreshold(
                UInt32Value.of(or(hc.unhealthyThreshold(), DEFAULT_UNHEALTHY_THRESHOLD)));
    if (hc.http() != null) {
      HealthCheck.HttpHealthCheck.Builder http =
          HealthCheck.HttpHealthCheck.newBuilder().setPath(hc.http().path());
      http.setHost(hc.http().host() != null ? hc.http().host() : serviceHost);
      for (int status : hc.http().expectedStatuses()) {
        http.addExpectedStatuses(Int64Range.newBuilder().setStart(status).setEnd(status + 1L));
      }
      if (protocol == Protocol.HTTP2 || protocol == Protocol.GRPC) {
        http.setCodecClientType(CodecClientType.HTTP2);
      }
      b.setHttpHealthCheck(http);
    } else if (hc.grpc() != null) {
      HealthCheck.GrpcHealthCheck.Builder grpc = HealthCheck.GrpcHealthCheck.newBuilder();
      if (hc.grpc().service() != null) {
        grpc.setServiceName(hc.grpc().service());
      }
      b.setGrpcHealthCheck(grpc);
    } else {
      b.setTcpHealthCheck(HealthCheck.TcpHealthCheck.getDefaultInstance());
    }
    return b.build();
  }

  private static int or(Integer value, int fallback) {
    return value != null ? value : fallback;
  }

  private static Duration duration(String text, Duration fallback, String where) {
    if (text == null) {
      return fallback;
    }
    try {
      return IstioDurations.parse(text);
    } catch (IllegalArgumentException e) {
      log.warn("{}: bowline.dev/health-check: {}; {} used", where, e.getMessage(), fallback);
      return fallback;
    }
  }
}
