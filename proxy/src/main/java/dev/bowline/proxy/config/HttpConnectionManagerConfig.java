package dev.bowline.proxy.config;

import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Envoy's HTTP connection manager ({@code envoy.filters.network.http_connection_manager}), with the
 * settings Bowline supports. Defaults follow Envoy's edge recommendations where Envoy's own
 * defaults are unsafe at an edge.
 *
 * @param statPrefix the statistics prefix
 * @param codec which HTTP versions the downstream may speak
 * @param routeConfig the route configuration (inline {@code route_config}); compiled by the router
 * @param httpFilters the HTTP filters in order, the router last
 * @param maxRequestHeadersKb the most header bytes a request may carry, in KiB (Envoy default 60)
 * @param maxHeadersCount the most headers a request may carry (Envoy default 100)
 * @param requestHeadersTimeout the time a client has to send all request headers; zero disables
 * @param streamIdleTimeout the longest a request may see no activity (Envoy default 5 min)
 * @param idleTimeout a connection with no request in flight is closed after this; zero disables
 *     (Envoy default 1 h)
 * @param drainTimeout the time between the GOAWAY/Connection: close notice and closing, on drain
 * @param useRemoteAddress whether the peer address is the client address (edge), appended to
 *     {@code x-forwarded-for}
 * @param xffNumTrustedHops how many trusted proxies precede this one in {@code x-forwarded-for}
 * @param generateRequestId whether a missing {@code x-request-id} is generated (default true)
 * @param normalizePath whether dot segments are resolved per RFC 3986 before routing
 * @param mergeSlashes whether consecutive slashes are merged before routing
 * @param escapedSlashesAction what to do with {@code %2F}, {@code %5C} in paths
 * @param http2 HTTP/2 protection settings
 * @param accessLogs where access log lines go
 * @param clientCertForwarding what becomes of {@code x-forwarded-client-cert}
 */
public record HttpConnectionManagerConfig(
    String statPrefix,
    CodecType codec,
    RouteConfiguration routeConfig,
    List<HttpFilterConfig> httpFilters,
    int maxRequestHeadersKb,
    int maxHeadersCount,
    Duration requestHeadersTimeout,
    Duration streamIdleTimeout,
    Duration idleTimeout,
    Duration drainTimeout,
    boolean useRemoteAddress,
    int xffNumTrustedHops,
    boolean generateRequestId,
    boolean normalizePath,
    boolean mergeSlashes,
    EscapedSlashesAction escapedSlashesAction,
    Http2Settings http2,
    List<AccessLogConfig> accessLogs,
    ClientCertForwarding clientCertForwarding)
    implements NetworkFilterConfig {

  public HttpConnectionManagerConfig {
    Objects.requireNonNull(statPrefix, "statPrefix");
    Objects.requireNonNull(codec, "codec");
    Objects.requireNonNull(routeConfig, "routeConfig");
    httpFilters = List.copyOf(httpFilters);
    Objects.requireNonNull(requestHeadersTimeout, "requestHeadersTimeout");
    Objects.requireNonNull(streamIdleTimeout, "streamIdleTimeout");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(drainTimeout, "drainTimeout");
    Objects.requireNonNull(escapedSlashesAction, "escapedSlashesAction");
    Objects.requireNonNull(http2, "http2");
    accessLogs = List.copyOf(accessLogs);
    Objects.requireNonNull(clientCertForwarding, "clientCertForwarding");
  }

  /** A manager that removes {@code x-forwarded-client-cert} (Envoy's default, SANITIZE). */
  public HttpConnectionManagerConfig(
      String statPrefix,
      CodecType codec,
      RouteConfiguration routeConfig,
      List<HttpFilterConfig> httpFilters,
      int maxRequestHeadersKb,
      int maxHeadersCount,
      Duration requestHeadersTimeout,
      Duration streamIdleTimeout,
      Duration idleTimeout,
      Duration drainTimeout,
      boolean useRemoteAddress,
      int xffNumTrustedHops,
      boolean generateRequestId,
      boolean normalizePath,
      boolean mergeSlashes,
      EscapedSlashesAction escapedSlashesAction,
      Http2Settings http2,
      List<AccessLogConfig> accessLogs) {
    this(statPrefix, codec, routeConfig, httpFilters, maxRequestHeadersKb, maxHeadersCount,
        requestHeadersTimeout, streamIdleTimeout, idleTimeout, drainTimeout, useRemoteAddress,
        xffNumTrustedHops, generateRequestId, normalizePath, mergeSlashes, escapedSlashesAction,
        http2, accessLogs, ClientCertForwarding.SANITIZE);
  }

  /** Envoy's {@code codec_type}. */
  public enum CodecType {
    /** HTTP/1.1 or HTTP/2: h2 by ALPN on TLS, prior-knowledge preface on plaintext. */
    AUTO,
    HTTP1,
    HTTP2
  }

  /**
   * Envoy's {@code path_with_escaped_slashes_action}. Bowline's default is {@code REJECT_REQUEST}:
   * an encoded slash could otherwise route differently from how an authorization policy reads it.
   */
  public enum EscapedSlashesAction {
    KEEP_UNCHANGED,
    REJECT_REQUEST,
    UNESCAPE_AND_REDIRECT,
    UNESCAPE_AND_FORWARD
  }

  /**
   * HTTP/2 limits.
   *
   * @param maxConcurrentStreams streams a client may open at once (edge value 100)
   * @param initialStreamWindowSize per-stream flow-control window (edge value 64 KiB)
   * @param initialConnectionWindowSize connection flow-control window (edge value 1 MiB)
   */
  public record Http2Settings(
      int maxConcurrentStreams, int initialStreamWindowSize, int initialConnectionWindowSize) {

    /** Envoy's recommended edge values. */
    public static final Http2Settings EDGE = new Http2Settings(100, 65_536, 1_048_576);
  }
}
