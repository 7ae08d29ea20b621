package dev.bowline.proxy.config;

import com.google.protobuf.ByteString;
import dev.bowline.proxy.config.HealthCheckConfig.GrpcProbe;
import dev.bowline.proxy.config.HealthCheckConfig.HttpProbe;
import dev.bowline.proxy.config.HealthCheckConfig.Probe;
import dev.bowline.proxy.config.HealthCheckConfig.StatusRange;
import dev.bowline.proxy.config.HealthCheckConfig.TcpProbe;
import io.envoyproxy.envoy.config.core.v3.HealthCheck;
import io.envoyproxy.envoy.type.v3.Int64Range;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads a cluster's {@code health_checks} into a {@link HealthCheckConfig}, with Envoy's defaults
 * and checks: at most one health check per cluster (as Envoy), {@code timeout}, {@code interval},
 * {@code unhealthy_threshold} and {@code healthy_threshold} required, status ranges within
 * [100, 600), hex {@code text} payloads, a gRPC check only on an HTTP/2 cluster. Which fields may
 * be set at all is the supported-subset check's business. Stateless.
 */
final class HealthCheckTranslator {

  private HealthCheckTranslator() {}

  /**
   * The cluster's health check, empty when it has none, or null after reporting a problem.
   *
   * @param checks the cluster's {@code health_checks}
   * @param http2 whether the cluster speaks HTTP/2 upstream
   * @param path the path of {@code health_checks}
   */
  static java.util.Optional<HealthCheckConfig> translate(
      List<HealthCheck> checks, boolean http2, String path, Problems problems) {
    if (checks.isEmpty()) {
      return java.util.Optional.empty();
    }
    if (checks.size() > 1) {
      problems.add(Problems.index(path, 1), "a cluster takes at most one health check (as Envoy)");
      return null;
    }
    HealthCheckConfig config = translate(checks.get(0), http2, Problems.index(path, 0), problems);
    return config == null ? null : java.util.Optional.of(config);
  }

  private static HealthCheckConfig translate(
      HealthCheck hc, boolean http2, String path, Problems problems) {
    int before = problems.size();
    Duration timeout = required(hc.hasTimeout(), hc.getTimeout(), path, "timeout", problems);
    Duration interval = required(hc.hasInterval(), hc.getInterval(), path, "interval", problems);
    int unhealthy = threshold(hc.hasUnhealthyThreshold(), hc.getUnhealthyThreshold(), path,
        "unhealthy_threshold", problems);
    int healthy = threshold(hc.hasHealthyThreshold(), hc.getHealthyThreshold(), path,
        "healthy_threshold", problems);
    Duration initialJitter = optional(hc.hasInitialJitter(), hc.getInitialJitter(), Duration.ZERO,
        path, "initial_jitter", problems);
    Duration intervalJitter = optional(hc.hasIntervalJitter(), hc.getIntervalJitter(),
        Duration.ZERO, path, "interval_jitter", problems);
    int jitterPercent = ProtoValues.uint32(hc.getIntervalJitterPercent(), 0, Integer.MAX_VALUE,
        Problems.join(path, "interval_jitter_percent"), problems, 0);
    Duration noTraffic = positive(hc.hasNoTrafficInterval(), hc.getNoTrafficInterval(),
        HealthCheckConfig.DEFAULT_NO_TRAFFIC_INTERVAL, path, "no_traffic_interval", problems);
    Duration noTrafficHealthy = positive(hc.hasNoTrafficHealthyInterval(),
        hc.getNoTrafficHealthyInterval(), noTraffic, path, "no_traffic_healthy_interval",
        problems);
    Duration base = interval == null ? Duration.ofSeconds(1) : interval;
    Duration unhealthyInterval = positive(hc.hasUnhealthyInterval(), hc.getUnhealthyInterval(),
        base, path, "unhealthy_interval", problems);
    Duration unhealthyEdge = positive(hc.hasUnhealthyEdgeInterval(), hc.getUnhealthyEdgeInterval(),
        unhealthyInterval, path, "unhealthy_edge_interval", problems);
    Duration healthyEdge = positive(hc.hasHealthyEdgeInterval(), hc.getHealthyEdgeInterval(), base,
        path, "healthy_edge_interval", problems);
    boolean reuse = !hc.hasReuseConnection() || hc.getReuseConnection().getValue();
    Probe probe = probe(hc, http2, path, problems);
    if (problems.size() > before || timeout == null || interval == null || probe == null) {
      return null;
    }
    return new HealthCheckConfig(timeout, interval, initialJitter, intervalJitter, jitterPercent,
        unhealthy, healthy, reuse, noTraffic, noTrafficHealthy, unhealthyInterval, unhealthyEdge,
        healthyEdge, probe);
  }

  private static Probe probe(HealthCheck hc, boolean http2, String path, Problems problems) {
    switch (hc.getHealthCheckerCase()) {
      case HTTP_HEALTH_CHECK:
        return http(hc.getHttpHealthCheck(), Problems.join(path, "http_health_check"), problems);
      case TCP_HEALTH_CHECK:
        return tcp(hc.getTcpHealthCheck(), Problems.join(path, "tcp_health_check"), problems);
      case GRPC_HEALTH_CHECK:
        if (!http2) {
          problems.add(Problems.join(path, "grpc_health_check"), "gRPC health checking needs a"
              + " cluster that speaks HTTP/2 upstream (as Envoy): set explicit_http_config"
              + ".http2_protocol_options in its HttpProtocolOptions");
          return null;
        }
        HealthCheck.GrpcHealthCheck grpc = hc.getGrpcHealthCheck();
        return new GrpcProbe(grpc.getServiceName(), grpc.getAuthority());
      case HEALTHCHECKER_NOT_SET:
        problems.add(path, "one of http_health_check, tcp_health_check or grpc_health_check is"
            + " required");
        return null;
      default:
        return null; // a custom health check: reported by the supported-subset check
    }
  }

  private static HttpProbe http(HealthCheck.HttpHealthCheck http, String path, Problems problems) {
    int before = problems.size();
    if (http.getPath().isEmpty()) {
      problems.add(Problems.join(path, "path"), "required");
    } else {
      checkHeaderValue(http.getPath(), Problems.join(path, "path"), problems);
    }
    checkHeaderValue(http.getHost(), Problems.join(path, "host"), problems);
    List<StatusRange> expected =
        http.getExpectedStatusesCount() == 0
            ? StatusRange.OK_ONLY
            : ranges(http.getExpectedStatusesList(), Problems.join(path, "expected_statuses"),
                problems);
    List<StatusRange> retriable =
        ranges(http.getRetriableStatusesList(), Problems.join(path, "retriable_statuses"),
            problems);
    boolean h2;
    switch (http.getCodecClientType()) {
      case HTTP1:
        h2 = false;
        break;
      case HTTP2:
        h2 = true;
        break;
      default:
        problems.add(Problems.join(path, "codec_client_type"), http.getCodecClientType()
            + " is not supported by Bowline (supported: HTTP1, HTTP2)");
        return null;
    }
    String method;
    switch (http.getMethod()) {
      case METHOD_UNSPECIFIED:
        method = "GET";
        break;
      case CONNECT:
      case UNRECOGNIZED:
        problems.add(Problems.join(path, "method"), http.getMethod()
            + " is not allowed for a health check (as Envoy)");
        return null;
      default:
        method = http.getMethod().name();
    }
    if (problems.size() > before) {
      return null;
    }
    return new HttpProbe(http.getPath(), http.getHost(), method, expected, retriable, h2);
  }

  private static TcpProbe tcp(HealthCheck.TcpHealthCheck tcp, String path, Problems problems) {
    int before = problems.size();
    ByteString send =
        tcp.hasSend()
            ? payload(tcp.getSend(), Problems.join(path, "send"), problems)
            : ByteString.EMPTY;
    List<ByteString> receive = new ArrayList<>();
    for (int i = 0; i < tcp.getReceiveCount(); i++) {
      receive.add(
          payload(tcp.getReceive(i), Problems.index(Problems.join(path, "receive"), i), problems));
    }
    return problems.size() > before ? null : new TcpProbe(send, receive);
  }

  /** A payload's bytes: {@code text} is hex, as in Envoy; empty payloads are refused. */
  private static ByteString payload(HealthCheck.Payload payload, String path, Problems problems) {
    switch (payload.getPayloadCase()) {
      case TEXT:
        try {
          byte[] bytes = HexFormat.of().parseHex(payload.getText());
          if (bytes.length == 0) {
            problems.add(Problems.join(path, "text"), "must not be empty");
          }
          return ByteString.copyFrom(bytes);
        } catch (IllegalArgumentException e) {
          problems.add(Problems.join(path, "text"), "'" + payload.getText()
              + "' is not hex (Envoy's text payload is hex-encoded, such as '000000FF')");
          return ByteString.EMPTY;
        }
      case BINARY:
        if (payload.getBinary().isEmpty()) {
          problems.add(Problems.join(path, "binary"), "must not be empty");
        }
        return payload.getBinary();
      default:
        problems.add(path, "one of text or binary is required");
        return ByteString.EMPTY;
    }
  }

  private static List<StatusRange> ranges(List<Int64Range> ranges, String path, Problems problems) {
    List<StatusRange> out = new ArrayList<>(ranges.size());
    for (int i = 0; i < ranges.size(); i++) {
      Int64Range r = ranges.get(i);
      if (r.getStart() < 100 || r.getEnd() > 600 || r.getStart() >= r.getEnd()) {
        problems.add(Problems.index(path, i), "[" + r.getStart() + ", " + r.getEnd()
            + ") is not a range of HTTP statuses: start must be at least 100, end at most 600,"
            + " and start below end");
        continue;
      }
      out.add(new StatusRange((int) r.getStart(), (int) r.getEnd()));
    }
    return out;
  }

  private static void checkHeaderValue(String value, String path, Problems problems) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n' || c == 0 || c > 0x7e || (c < 0x20 && c != '\t')) {
        problems.add(path, "must be a valid header value (no control characters or non-ASCII)");
        return;
      }
    }
  }

  private static Duration required(boolean present, com.google.protobuf.Duration value,
      String path, String field, Problems problems) {
    if (!present) {
      problems.add(Problems.join(path, field), "required");
      return null;
    }
    int before = problems.size();
    Duration d = ProtoValues.positiveDuration(true, value, Duration.ZERO,
        Problems.join(path, field), problems);
    return problems.size() > before ? null : d;
  }

  private static Duration positive(boolean present, com.google.protobuf.Duration value,
      Duration fallback, String path, String field, Problems problems) {
    return ProtoValues.positiveDuration(present, value, fallback, Problems.join(path, field),
        problems);
  }

  private static Duration optional(boolean present, com.google.protobuf.Duration value,
      Duration fallback, String path, String field, Problems problems) {
    return ProtoValues.duration(present, value, fallback, Problems.join(path, field), problems);
  }

  private static int threshold(boolean present, com.google.protobuf.UInt32Value value,
      String path, String field, Problems problems) {
    if (!present) {
      problems.add(Problems.join(path, field), "required");
      return 1;
    }
    return ProtoValues.uint32(value.getValue(), 1, Integer.MAX_VALUE, Problems.join(path, field),
        problems, 1);
  }
}
