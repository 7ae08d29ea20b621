package dev.bowline.proxy.config;

import dev.bowline.proxy.config.HttpConnectionManagerConfig.CodecType;
import dev.bowline.proxy.config.HttpConnectionManagerConfig.EscapedSlashesAction;
import dev.bowline.proxy.config.HttpConnectionManagerConfig.Http2Settings;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Translates an {@code HttpConnectionManager} into an {@link HttpConnectionManagerConfig}.
 *
 * <p>Defaults are Envoy's, except where Envoy's are unsafe at an edge (security by default):
 *
 * <ul>
 *   <li>headers: 60 KiB and 100 headers (Envoy's defaults, which are also its edge values);
 *   <li>HTTP/2: 100 concurrent streams, 64 KiB stream window, 1 MiB connection window (Envoy's edge
 *       values; Envoy's defaults are 2^31-1 streams and 256 MiB windows);
 *   <li>{@code normalize_path} and {@code merge_slashes} default to true (Envoy: false), and
 *       {@code path_with_escaped_slashes_action} defaults to {@code REJECT_REQUEST} (Envoy:
 *       {@code KEEP_UNCHANGED}), so that routing and authorization see one canonical path;
 *   <li>{@code request_headers_timeout} defaults to 10 s (Envoy: disabled), against slow clients.
 * </ul>
 *
 * Stateless.
 */
final class HttpConnectionManagerTranslator {

  static final int DEFAULT_MAX_REQUEST_HEADERS_KB = 60;
  static final int DEFAULT_MAX_HEADERS_COUNT = 100;
  static final Duration DEFAULT_REQUEST_HEADERS_TIMEOUT = Duration.ofSeconds(10);
  static final Duration DEFAULT_STREAM_IDLE_TIMEOUT = Duration.ofMinutes(5);
  static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(1);
  static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(5);

  private HttpConnectionManagerTranslator() {}

  /**
   * The connection manager, or null after reporting problems.
   *
   * @param path the path of the {@code typed_config} holding it
   * @param explicit which fields the source wrote, to honor an explicit {@code merge_slashes: false}
   */
  static HttpConnectionManagerConfig translate(
      HttpConnectionManager hcm, String path, ExplicitFields explicit, Problems problems) {
    int before = problems.size();
    if (hcm.getStatPrefix().isEmpty()) {
      problems.add(Problems.join(path, "stat_prefix"), "required");
    }
    CodecType codec = codec(hcm, Problems.join(path, "codec_type"), problems);
    if (hcm.getRouteSpecifierCase()
        == HttpConnectionManager.RouteSpecifierCase.ROUTESPECIFIER_NOT_SET) {
      problems.add(
          Problems.join(path, "route_config"), "required (an inline route_config; rds is not"
              + " supported by Bowline yet)");
    }
    List<HttpFilterConfig> filters =
        HttpFilterTranslator.translate(
            hcm.getHttpFiltersList(), Problems.join(path, "http_filters"), problems);
    int maxRequestHeadersKb =
        ProtoValues.uint32(hcm.hasMaxRequestHeadersKb(), hcm.getMaxRequestHeadersKb(),
            DEFAULT_MAX_REQUEST_HEADERS_KB, 1, 8192, Problems.join(path, "max_request_headers_kb"),
            problems);
    HttpProtocolOptions common = hcm.getCommonHttpProtocolOptions();
    String commonPath = Problems.join(path, "common_http_protocol_options");
    int maxHeadersCount =
        ProtoValues.uint32(common.hasMaxHeadersCount(), common.getMaxHeadersCount(),
            DEFAULT_MAX_HEADERS_COUNT, 1, Integer.MAX_VALUE,
            Problems.join(commonPath, "max_headers_count"), problems);
    Duration idleTimeout =
        ProtoValues.duration(common.hasIdleTimeout(), common.getIdleTimeout(), DEFAULT_IDLE_TIMEOUT,
            Problems.join(commonPath, "idle_timeout"), problems);
    Duration requestHeadersTimeout =
        ProtoValues.duration(hcm.hasRequestHeadersTimeout(), hcm.getRequestHeadersTimeout(),
            DEFAULT_REQUEST_HEADERS_TIMEOUT, Problems.join(path, "request_headers_timeout"),
            problems);
    Duration streamIdleTimeout =
        ProtoValues.duration(hcm.hasStreamIdleTimeout(), hcm.getStreamIdleTimeout(),
            DEFAULT_STREAM_IDLE_TIMEOUT, Problems.join(path, "stream_idle_timeout"), problems);
    Duration drainTimeout =
        ProtoValues.duration(hcm.hasDrainTimeout(), hcm.getDrainTimeout(), DEFAULT_DRAIN_TIMEOUT,
            Problems.join(path, "drain_timeout"), problems);
    String mergeSlashesPath = Problems.join(path, "merge_slashes");
    boolean mergeSlashes = hcm.getMergeSlashes() || !explicit.contains(mergeSlashesPath);
    boolean normalizePath = !hcm.hasNormalizePath() || hcm.getNormalizePath().getValue();
    int xffNumTrustedHops =
        ProtoValues.uint32(hcm.getXffNumTrustedHops(), 0, Integer.MAX_VALUE,
            Problems.join(path, "xff_num_trusted_hops"), problems, 0);
    boolean generateRequestId = !hcm.hasGenerateRequestId() || hcm.getGenerateRequestId().getValue();
    Http2Settings http2 =
        http2(hcm.getHttp2ProtocolOptions(), Problems.join(path, "http2_protocol_options"),
            problems);
    List<AccessLogConfig> accessLogs = new ArrayList<>();
    for (int i = 0; i < hcm.getAccessLogCount(); i++) {
      AccessLogConfig log =
          AccessLogTranslator.translate(
              hcm.getAccessLog(i), Problems.index(Problems.join(path, "access_log"), i), problems);
      if (log != null) {
        accessLogs.add(log);
      }
    }
    if (problems.size() > before || filters == null || codec == null) {
      return null;
    }
    return new HttpConnectionManagerConfig(
        hcm.getStatPrefix(),
        codec,
        hcm.getRouteConfig(),
        filters,
        maxRequestHeadersKb,
        maxHeadersCount,
        requestHeadersTimeout,
        streamIdleTimeout,
        idleTimeout,
        drainTimeout,
        hcm.getUseRemoteAddress().getValue(),
        xffNumTrustedHops,
        generateRequestId,
        normalizePath,
        mergeSlashes,
        escapedSlashes(hcm.getPathWithEscapedSlashesAction()),
        http2,
        accessLogs,
        clientCertForwarding(hcm, path, problems));
  }

  /** {@code forward_client_cert_details} and {@code set_current_client_cert_details}. */
  private static ClientCertForwarding clientCertForwarding(
      HttpConnectionManager hcm, String path, Problems problems) {
    ClientCertForwarding.Mode mode;
    switch (hcm.getForwardClientCertDetails()) {
      case SANITIZE -> mode = ClientCertForwarding.Mode.SANITIZE;
      case FORWARD_ONLY -> mode = ClientCertForwarding.Mode.FORWARD_ONLY;
      case APPEND_FORWARD -> mode = ClientCertForwarding.Mode.APPEND_FORWARD;
      case SANITIZE_SET -> mode = ClientCertForwarding.Mode.SANITIZE_SET;
      case ALWAYS_FORWARD_ONLY -> mode = ClientCertForwarding.Mode.ALWAYS_FORWARD_ONLY;
      default -> {
        problems.add(Problems.join(path, "forward_client_cert_details"), "unknown value "
            + hcm.getForwardClientCertDetailsValue());
        mode = ClientCertForwarding.Mode.SANITIZE;
      }
    }
    var details = hcm.getSetCurrentClientCertDetails();
    // cert and chain (URL-encoded PEM) are refused by the supported-subset check.
    return new ClientCertForwarding(
        mode, details.getSubject().getValue(), details.getUri(), details.getDns());
  }

  private static CodecType codec(HttpConnectionManager hcm, String path, Problems problems) {
    switch (hcm.getCodecType()) {
      case AUTO:
        return CodecType.AUTO;
      case HTTP1:
        return CodecType.HTTP1;
      case HTTP2:
        return CodecType.HTTP2;
      default:
        problems.add(
            path, hcm.getCodecTypeValue() == HttpConnectionManager.CodecType.HTTP3_VALUE
                ? "HTTP3 is not supported by Bowline yet (supported: AUTO, HTTP1, HTTP2)"
                : "unknown codec type " + hcm.getCodecTypeValue());
        return null;
    }
  }

  private static EscapedSlashesAction escapedSlashes(
      HttpConnectionManager.PathWithEscapedSlashesAction action) {
    switch (action) {
      case KEEP_UNCHANGED:
        return EscapedSlashesAction.KEEP_UNCHANGED;
      case UNESCAPE_AND_REDIRECT:
        return EscapedSlashesAction.UNESCAPE_AND_REDIRECT;
      case UNESCAPE_AND_FORWARD:
        return EscapedSlashesAction.UNESCAPE_AND_FORWARD;
      default: // IMPLEMENTATION_SPECIFIC_DEFAULT and REJECT_REQUEST
        return EscapedSlashesAction.REJECT_REQUEST;
    }
  }

  private static Http2Settings http2(Http2ProtocolOptions options, String path, Problems problems) {
    Http2Settings edge = Http2Settings.EDGE;
    return new Http2Settings(
        ProtoValues.uint32(options.hasMaxConcurrentStreams(), options.getMaxConcurrentStreams(),
            edge.maxConcurrentStreams(), 1, Integer.MAX_VALUE,
            Problems.join(path, "max_concurrent_streams"), problems),
        ProtoValues.uint32(options.hasInitialStreamWindowSize(),
            options.getInitialStreamWindowSize(), edge.initialStreamWindowSize(), 65_535,
            Integer.MAX_VALUE, Problems.join(path, "initial_stream_window_size"), problems),
        ProtoValues.uint32(options.hasInitialConnectionWindowSize(),
            options.getInitialConnectionWindowSize(), edge.initialConnectionWindowSize(), 65_535,
            Integer.MAX_VALUE, Problems.join(path, "initial_connection_window_size"), problems));
  }
}
