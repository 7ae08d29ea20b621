package dev.bowline.proxy.config;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.extensions.filters.network.connection_limit.v3.ConnectionLimit;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import java.util.Optional;

/**
 * Translates one {@code FilterChain} of a listener. Its {@code filters} are at most one
 * {@code envoy.filters.network.connection_limit} followed by exactly one terminal filter, an
 * {@code envoy.filters.network.http_connection_manager} or an {@code envoy.filters.network.tcp_proxy},
 * last. As in Envoy, the type of each {@code typed_config} decides what a filter is; its name is
 * informational. Stateless.
 */
final class FilterChainTranslator {

  static final String TLS_TRANSPORT_SOCKET = "envoy.transport_sockets.tls";

  private FilterChainTranslator() {}

  /**
   * A translated chain and the connection limit it carries.
   *
   * @param config the chain
   * @param maxConnections its connection_limit filter's max_connections, 0 when it has none
   */
  record Result(FilterChainConfig config, int maxConnections) {}

  /** The chain, or null after reporting problems. */
  static Result translate(
      FilterChain chain, String path, ExplicitFields explicit, Problems problems) {
    int before = problems.size();
    Optional<TlsServerConfig> tls = tls(chain, path, problems);
    String filtersPath = Problems.join(path, "filters");
    NetworkFilterConfig terminal = null;
    int maxConnections = 0;
    boolean seenLimit = false;
    for (int i = 0; i < chain.getFiltersCount(); i++) {
      Filter filter = chain.getFilters(i);
      String filterPath = Problems.index(filtersPath, i);
      if (!filter.hasTypedConfig()) {
        if (!filter.hasConfigDiscovery()) {
          problems.add(Problems.join(filterPath, "typed_config"),
              "required (an HttpConnectionManager, TcpProxy or ConnectionLimit)");
        }
        continue;
      }
      Any config = filter.getTypedConfig();
      String configPath = Problems.join(filterPath, "typed_config");
      boolean last = i == chain.getFiltersCount() - 1;
      try {
        if (config.is(ConnectionLimit.class)) {
          if (seenLimit) {
            problems.add(filterPath, "a filter chain takes one connection_limit filter");
          }
          seenLimit = true;
          maxConnections = connectionLimit(config.unpack(ConnectionLimit.class), configPath,
              problems);
          if (last) {
            problems.add(filterPath, "connection_limit must come before the terminal filter"
                + " (http_connection_manager or tcp_proxy)");
          }
        } else if (config.is(HttpConnectionManager.class) || config.is(TcpProxy.class)) {
          if (!last) {
            problems.add(filterPath, "a terminal filter (" + filter.getName()
                + ") must be the last filter of its chain");
          }
          terminal =
              config.is(TcpProxy.class)
                  ? TcpProxyTranslator.translate(config.unpack(TcpProxy.class), configPath,
                      problems)
                  : HttpConnectionManagerTranslator.translate(
                      config.unpack(HttpConnectionManager.class), configPath, explicit, problems);
        }
      } catch (InvalidProtocolBufferException e) {
        problems.add(configPath, "cannot decode: " + e.getMessage());
      }
    }
    if (chain.getFiltersCount() == 0 || (terminal == null && problems.size() == before)) {
      problems.add(filtersPath, "a filter chain needs an envoy.filters.network.http_connection_manager"
          + " or envoy.filters.network.tcp_proxy filter, last");
    }
    FilterChainConfig.TransportProtocol transport =
        transportProtocol(
            chain.getFilterChainMatch().getTransportProtocol(),
            Problems.join(Problems.join(path, "filter_chain_match"), "transport_protocol"),
            problems);
    if (problems.size() > before || terminal == null) {
      return null;
    }
    return new Result(
        new FilterChainConfig(
            chain.getFilterChainMatch().getServerNamesList(),
            chain.getFilterChainMatch().getApplicationProtocolsList(),
            tls,
            terminal,
            transport),
        maxConnections);
  }

  /**
   * Envoy's {@code transport_protocol}: {@code tls} (the connection starts with a ClientHello),
   * {@code raw_buffer} (it does not) or empty (any).
   */
  static FilterChainConfig.TransportProtocol transportProtocol(
      String value, String path, Problems problems) {
    for (FilterChainConfig.TransportProtocol protocol :
        FilterChainConfig.TransportProtocol.values()) {
      if (protocol.envoyName().equals(value)) {
        return protocol;
      }
    }
    problems.add(path, "'" + value + "' is not a transport protocol Bowline detects (tls,"
        + " raw_buffer, or empty for any)");
    return FilterChainConfig.TransportProtocol.ANY;
  }

  private static int connectionLimit(ConnectionLimit limit, String path, Problems problems) {
    if (limit.getStatPrefix().isEmpty()) {
      problems.add(Problems.join(path, "stat_prefix"), "required");
    }
    if (!limit.hasMaxConnections()) {
      problems.add(Problems.join(path, "max_connections"), "required");
      return 0;
    }
    return (int) ProtoValues.uint64(limit.getMaxConnections().getValue(), 1, Integer.MAX_VALUE,
        Problems.join(path, "max_connections"), problems, 0);
  }

  private static Optional<TlsServerConfig> tls(FilterChain chain, String path, Problems problems) {
    if (!chain.hasTransportSocket()) {
      return Optional.empty();
    }
    String socketPath = Problems.join(path, "transport_socket");
    var socket = chain.getTransportSocket();
    if (!socket.hasTypedConfig()) {
      problems.add(socketPath, "transport socket '" + socket.getName() + "' is not supported by"
          + " Bowline yet: use " + TLS_TRANSPORT_SOCKET + " with a typed_config of type"
          + " DownstreamTlsContext");
      return Optional.empty();
    }
    if (!socket.getTypedConfig().is(DownstreamTlsContext.class)) {
      return Optional.empty(); // reported by the supported-subset check
    }
    try {
      return Optional.ofNullable(
          DownstreamTlsTranslator.translate(
              socket.getTypedConfig().unpack(DownstreamTlsContext.class),
              Problems.join(socketPath, "typed_config"),
              problems));
    } catch (InvalidProtocolBufferException e) {
      problems.add(Problems.join(socketPath, "typed_config"), "cannot decode: " + e.getMessage());
      return Optional.empty();
    }
  }
}
