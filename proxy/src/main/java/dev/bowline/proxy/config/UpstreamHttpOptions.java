package dev.bowline.proxy.config;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.bowline.proxy.config.ClusterConfig.UpstreamProtocol;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.time.Duration;

/**
 * A cluster's upstream HTTP settings, from
 * {@code typed_extension_protocol_options["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"]}
 * (its {@code explicit_http_config} and {@code common_http_protocol_options}) or from the legacy
 * cluster fields {@code http2_protocol_options} and {@code max_requests_per_connection}; one form
 * or the other, as in Envoy. Without either, HTTP/1.1.
 *
 * @param protocol the protocol spoken upstream
 * @param idleTimeout when an idle pooled connection closes (Envoy's default 1 h)
 * @param maxRequestsPerConnection requests before a connection is retired; 0 = no limit
 */
record UpstreamHttpOptions(
    UpstreamProtocol protocol, Duration idleTimeout, int maxRequestsPerConnection) {

  /** The settings of {@code cluster}, or null after reporting problems. */
  @SuppressWarnings("deprecation") // legacy Envoy fields, accepted on purpose
  static UpstreamHttpOptions read(Cluster cluster, String path, Problems problems) {
    int before = problems.size();
    String optionsPath =
        Problems.key(Problems.join(path, "typed_extension_protocol_options"),
            EnvoyTypes.UPSTREAM_HTTP_PROTOCOL_OPTIONS_KEY);
    Any typed =
        cluster.getTypedExtensionProtocolOptionsMap()
            .get(EnvoyTypes.UPSTREAM_HTTP_PROTOCOL_OPTIONS_KEY);
    boolean legacyHttp2 = cluster.hasHttp2ProtocolOptions();
    boolean legacyLimit = cluster.hasMaxRequestsPerConnection();
    int legacyMax =
        ProtoValues.uint32(legacyLimit, cluster.getMaxRequestsPerConnection(), 0, 0,
            Integer.MAX_VALUE, Problems.join(path, "max_requests_per_connection"), problems);
    if (typed == null || !typed.is(HttpProtocolOptions.class)) {
      return problems.size() > before ? null : new UpstreamHttpOptions(
          legacyHttp2 ? UpstreamProtocol.HTTP2 : UpstreamProtocol.HTTP1,
          ClusterTranslator.DEFAULT_IDLE_TIMEOUT, legacyMax);
    }
    HttpProtocolOptions options;
    try {
      options = typed.unpack(HttpProtocolOptions.class);
    } catch (InvalidProtocolBufferException e) {
      problems.add(optionsPath, "cannot decode: " + e.getMessage());
      return null;
    }
    if (legacyHttp2) {
      problems.add(Problems.join(path, "http2_protocol_options"), "use either this legacy field or "
          + optionsPath + ", not both");
    }
    if (legacyLimit) {
      problems.add(Problems.join(path, "max_requests_per_connection"), "use either this legacy"
          + " field or " + optionsPath + ".common_http_protocol_options, not both");
    }
    UpstreamProtocol protocol = protocol(options, optionsPath, problems);
    var common = options.getCommonHttpProtocolOptions();
    String commonPath = Problems.join(optionsPath, "common_http_protocol_options");
    Duration idleTimeout =
        ProtoValues.duration(common.hasIdleTimeout(), common.getIdleTimeout(),
            ClusterTranslator.DEFAULT_IDLE_TIMEOUT, Problems.join(commonPath, "idle_timeout"),
            problems);
    int max =
        ProtoValues.uint32(common.hasMaxRequestsPerConnection(),
            common.getMaxRequestsPerConnection(), 0, 0, Integer.MAX_VALUE,
            Problems.join(commonPath, "max_requests_per_connection"), problems);
    if (problems.size() > before || protocol == null) {
      return null;
    }
    return new UpstreamHttpOptions(protocol, idleTimeout, max);
  }

  private static UpstreamProtocol protocol(
      HttpProtocolOptions options, String path, Problems problems) {
    String explicitPath = Problems.join(path, "explicit_http_config");
    switch (options.getUpstreamProtocolOptionsCase()) {
      case EXPLICIT_HTTP_CONFIG:
        break;
      case UPSTREAMPROTOCOLOPTIONS_NOT_SET:
        problems.add(explicitPath, "required (with http_protocol_options or"
            + " http2_protocol_options)");
        return null;
      default:
        return null; // auto_config, use_downstream_protocol_config: reported as unsupported
    }
    switch (options.getExplicitHttpConfig().getProtocolConfigCase()) {
      case HTTP_PROTOCOL_OPTIONS:
        return UpstreamProtocol.HTTP1;
      case HTTP2_PROTOCOL_OPTIONS:
        return UpstreamProtocol.HTTP2;
      case PROTOCOLCONFIG_NOT_SET:
        problems.add(explicitPath, "needs http_protocol_options or http2_protocol_options");
        return null;
      default:
        return null; // http3_protocol_options: reported as unsupported
    }
  }
}
