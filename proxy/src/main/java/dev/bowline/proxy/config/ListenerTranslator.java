package dev.bowline.proxy.config;

import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.extensions.filters.listener.http_inspector.v3.HttpInspector;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Translates one Envoy v3 {@code Listener} (from a bootstrap's {@code static_resources} or, later,
 * from LDS) into a {@link ListenerConfig}, after checking it against the fields Bowline supports.
 * Every problem is reported at once, each starting with its field path under the {@code path}
 * given by the caller (such as {@code static_resources.listeners[0]}).
 *
 * <p>Rules beyond Envoy's own: the address is an IP literal (as Envoy requires); a listener
 * without a name is named {@code address_port} (Envoy would generate a UUID); a connection limit
 * ({@code envoy.filters.network.connection_limit}) applies to the whole listener, so every chain
 * that carries one must carry the same {@code max_connections}; two chains may not have the same
 * match. {@code envoy.filters.listener.tls_inspector} and {@code http_inspector} are accepted and
 * need no settings: Bowline always reads SNI, ALPN and the transport protocol when a chain matches
 * on them, and the HTTP version of plaintext connections when a chain matches on it.
 *
 * <p>Pure and stateless: safe to call from any thread.
 */
public final class ListenerTranslator {

  /** Envoy's default soft limit on bytes buffered per connection: 1 MiB. */
  public static final int DEFAULT_BUFFER_LIMIT_BYTES = 1 << 20;

  static final String TLS_INSPECTOR = "envoy.filters.listener.tls_inspector";

  static final String HTTP_INSPECTOR = "envoy.filters.listener.http_inspector";

  private ListenerTranslator() {}

  /**
   * Translates a listener whose fields left at their default were not written (xDS).
   *
   * @throws ConfigException every problem found, each starting with its field path
   */
  public static ListenerConfig translate(Listener listener, String path) throws ConfigException {
    return translate(listener, path, ExplicitFields.NONE);
  }

  /**
   * Translates a listener, honoring fields the source wrote explicitly (a bootstrap file).
   *
   * @param listener the Envoy listener
   * @param path the listener's path, prefixed to each problem's field path; may be empty
   * @param explicit which fields the source wrote (full paths, starting with {@code path})
   * @throws ConfigException every problem found, each starting with its field path
   */
  public static ListenerConfig translate(Listener listener, String path, ExplicitFields explicit)
      throws ConfigException {
    Problems problems = new Problems();
    SupportedFieldsValidator.validate(listener, SupportedFields.LISTENER, path, problems);
    ListenerConfig config = build(listener, path, explicit, problems);
    problems.throwIfAny();
    return config;
  }

  private static ListenerConfig build(
      Listener listener, String path, ExplicitFields explicit, Problems problems) {
    int before = problems.size();
    String addressPath = Problems.join(path, "address");
    InetSocketAddress address = null;
    if (!listener.hasAddress()) {
      problems.add(addressPath, "required");
    } else {
      address = SocketAddresses.read(listener.getAddress(), 0, addressPath, problems);
    }
    int bufferLimit =
        ProtoValues.uint32(listener.hasPerConnectionBufferLimitBytes(),
            listener.getPerConnectionBufferLimitBytes(), DEFAULT_BUFFER_LIMIT_BYTES, 1,
            Integer.MAX_VALUE, Problems.join(path, "per_connection_buffer_limit_bytes"), problems);
    listenerFilters(listener.getListenerFiltersList(), Problems.join(path, "listener_filters"),
        problems);
    String chainsPath = Problems.join(path, "filter_chains");
    if (listener.getFilterChainsCount() == 0) {
      problems.add(chainsPath, "a listener needs at least one filter chain");
    }
    List<FilterChainConfig> chains = new ArrayList<>();
    Set<Integer> limits = new HashSet<>();
    Map<List<Object>, Integer> matches = new HashMap<>();
    for (int i = 0; i < listener.getFilterChainsCount(); i++) {
      String chainPath = Problems.index(chainsPath, i);
      var chain = listener.getFilterChains(i);
      Integer twin =
          matches.putIfAbsent(
              List.of(
                  Set.copyOf(chain.getFilterChainMatch().getServerNamesList()),
                  chain.getFilterChainMatch().getTransportProtocol(),
                  Set.copyOf(chain.getFilterChainMatch().getApplicationProtocolsList())),
              i);
      if (twin != null) {
        problems.add(Problems.join(chainPath, "filter_chain_match"),
            "the same match as " + Problems.index(chainsPath, twin)
                + ": no connection could ever reach this chain");
      }
      FilterChainTranslator.Result result =
          FilterChainTranslator.translate(chain, chainPath, explicit, problems);
      if (result != null) {
        chains.add(result.config());
        if (result.maxConnections() > 0) {
          limits.add(result.maxConnections());
        }
      }
    }
    if (limits.size() > 1) {
      problems.add(chainsPath, "connection limits apply to the whole listener in Bowline: every"
          + " envoy.filters.network.connection_limit must have the same max_connections, not "
          + new TreeSet<>(limits));
    }
    if (problems.size() > before) {
      return null;
    }
    String name = listener.getName().isEmpty() ? generatedName(address) : listener.getName();
    return new ListenerConfig(
        name, address, chains, limits.isEmpty() ? 0 : limits.iterator().next(), bufferLimit);
  }

  private static void listenerFilters(
      List<ListenerFilter> filters, String path, Problems problems) {
    for (int i = 0; i < filters.size(); i++) {
      ListenerFilter filter = filters.get(i);
      boolean inspector =
          filter.hasTypedConfig()
              ? filter.getTypedConfig().is(TlsInspector.class)
                  || filter.getTypedConfig().is(HttpInspector.class)
              : filter.getName().equals(TLS_INSPECTOR) || filter.getName().equals(HTTP_INSPECTOR);
      if (!inspector && !filter.hasTypedConfig() && !filter.hasConfigDiscovery()) {
        problems.add(Problems.index(path, i), "listener filter '" + filter.getName()
            + "' is not supported by Bowline yet (only " + TLS_INSPECTOR + " and "
            + HTTP_INSPECTOR + ")");
      }
    }
  }

  /** Istio's style of name for a listener written without one: {@code 0.0.0.0_15001}. */
  static String generatedName(InetSocketAddress address) {
    return address.getAddress().getHostAddress() + "_" + address.getPort();
  }
}
