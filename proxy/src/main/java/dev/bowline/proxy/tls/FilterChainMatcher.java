package dev.bowline.proxy.tls;

import dev.bowline.proxy.config.FilterChainConfig;
import dev.bowline.proxy.config.FilterChainConfig.TransportProtocol;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Picks a listener's filter chain from what a connection's first bytes show (its SNI, whether it
 * is TLS at all, and the ALPN protocols it offers) with Envoy's {@code filter_chain_match} rules
 * for {@code server_names}, then {@code transport_protocol}, then {@code application_protocols}:
 *
 * <ol>
 *   <li>server name: a chain listing the SNI exactly; else the chain with the longest matching
 *       wildcard {@code *.suffix} ({@code *.example.com} covers {@code a.example.com} and {@code
 *       a.b.example.com}, not {@code example.com}); else a chain with no server names. A connection
 *       without SNI (plaintext included) only matches chains with no server names.
 *   <li>among the chains that won step 1, transport protocol: a chain naming the connection's
 *       ({@code tls} when it starts with a ClientHello, else {@code raw_buffer}); else a chain
 *       naming none.
 *   <li>among the chains that won step 2, application protocol: the first protocol the client
 *       offers that a chain lists; else a chain that lists none. A plaintext connection offers
 *       its HTTP version ({@code http/1.1}, {@code http/1.0}, {@code h2c}) when a chain that can
 *       take plaintext lists one of those (see {@link HttpVersionSniffer}), else none.
 * </ol>
 *
 * <p>As in Envoy, a step never falls back once a more specific level matched: a connection whose
 * SNI matches a chain exactly but whose ALPN matches none of the chains for that name gets no
 * chain, even if a chain without server names would fit.
 *
 * <p><b>Threading.</b> Immutable after {@link #compile}; shared by every event loop.
 */
final class FilterChainMatcher {

  private static final int NONE = -1;

  /** The application protocols Envoy's {@code http_inspector} reports for plaintext. */
  private static final Set<String> HTTP_PROTOCOLS =
      Set.of("http/1.0", "http/1.1", "h2c");

  /** The chains of one server-name and transport level, by application protocol. */
  private static final class ProtocolTable {
    final Map<String, Integer> byProtocol = new HashMap<>();
    int anyProtocol = NONE;

    int select(List<String> offered) {
      for (String protocol : offered) {
        Integer index = byProtocol.get(protocol);
        if (index != null) {
          return index;
        }
      }
      return anyProtocol;
    }
  }

  /** The chains of one server-name level, by transport protocol. */
  private static final class TransportTable {
    final Map<TransportProtocol, ProtocolTable> byTransport =
        new EnumMap<>(TransportProtocol.class);

    ProtocolTable table(TransportProtocol transport) {
      return byTransport.computeIfAbsent(transport, key -> new ProtocolTable());
    }

    int select(ClientHello hello) {
      ProtocolTable table =
          byTransport.get(hello.tls() ? TransportProtocol.TLS : TransportProtocol.RAW_BUFFER);
      if (table == null) {
        table = byTransport.get(TransportProtocol.ANY);
      }
      return table == null ? NONE : table.select(hello.applicationProtocols());
    }
  }

  private final Map<String, TransportTable> exact = new HashMap<>();
  private final Map<String, TransportTable> wildcard = new HashMap<>();
  private TransportTable anyName;
  private boolean hasCriteria;
  private boolean detectsHttp;

  private FilterChainMatcher() {}

  /**
   * Compiles the match table of a listener's chains.
   *
   * @param listenerPath the listener's config path, such as {@code static_resources.listeners[0]}
   * @param problems where invalid names and chains that match the same connections are reported
   */
  static FilterChainMatcher compile(
      List<FilterChainConfig> chains, String listenerPath, List<String> problems) {
    FilterChainMatcher matcher = new FilterChainMatcher();
    Map<String, Integer> seen = new LinkedHashMap<>();
    for (int i = 0; i < chains.size(); i++) {
      FilterChainConfig chain = chains.get(i);
      String matchPath = listenerPath + ".filter_chains[" + i + "].filter_chain_match";
      List<String> names = chain.serverNames().isEmpty() ? List.of("") : chain.serverNames();
      List<String> protocols =
          chain.applicationProtocols().isEmpty() ? List.of("") : chain.applicationProtocols();
      TransportProtocol transport = chain.transportProtocol();
      matcher.hasCriteria |=
          !chain.serverNames().isEmpty()
              || !chain.applicationProtocols().isEmpty()
              || transport != TransportProtocol.ANY;
      matcher.detectsHttp |=
          transport != TransportProtocol.TLS
              && chain.applicationProtocols().stream().anyMatch(HTTP_PROTOCOLS::contains);
      for (int n = 0; n < names.size(); n++) {
        String name = names.get(n).toLowerCase(Locale.ROOT);
        String problem = chain.serverNames().isEmpty() ? null : checkName(name);
        if (problem != null) {
          problems.add(matchPath + ".server_names[" + n + "]: \"" + names.get(n) + "\" " + problem);
          continue;
        }
        ProtocolTable table = matcher.table(name).table(transport);
        for (String protocol : protocols) {
          Integer previous = seen.putIfAbsent(name + "\n" + transport + "\n" + protocol, i);
          if (previous != null) {
            problems.add(
                matchPath
                    + ": matches the same connections as filter_chains["
                    + previous
                    + "] (server name "
                    + (name.isEmpty() ? "any" : name)
                    + (transport == TransportProtocol.ANY
                        ? ""
                        : ", transport protocol " + transport.envoyName())
                    + ", application protocol "
                    + (protocol.isEmpty() ? "any" : protocol)
                    + ")");
          } else if (protocol.isEmpty()) {
            table.anyProtocol = i;
          } else {
            table.byProtocol.put(protocol, i);
          }
        }
      }
    }
    return matcher;
  }

  private TransportTable table(String name) {
    if (name.isEmpty()) {
      if (anyName == null) {
        anyName = new TransportTable();
      }
      return anyName;
    }
    if (name.startsWith("*.")) {
      return wildcard.computeIfAbsent(name.substring(2), key -> new TransportTable());
    }
    return exact.computeIfAbsent(name, key -> new TransportTable());
  }

  /** Why a server name is unusable, or {@code null} when it is fine. */
  private static String checkName(String name) {
    if (name.isEmpty()) {
      return "is empty";
    }
    String host = name.startsWith("*.") ? name.substring(2) : name;
    if (host.isEmpty() || host.indexOf('*') >= 0) {
      return "is not a host name or a *.suffix wildcard";
    }
    if (host.startsWith(".") || host.endsWith(".") || host.contains("..")) {
      return "has an empty label";
    }
    return null;
  }

  /**
   * Whether plaintext connections must be inspected for their HTTP version: some chain that can
   * take them lists {@code http/1.0}, {@code http/1.1} or {@code h2c} (Envoy's {@code
   * http_inspector}, see {@link HttpVersionSniffer}).
   */
  boolean detectsHttp() {
    return detectsHttp;
  }

  /** Whether any chain has match criteria (else every connection takes the first chain). */
  boolean hasCriteria() {
    return hasCriteria;
  }

  /** The index of the chain for a connection, or -1 when no chain matches. */
  int select(ClientHello hello) {
    TransportTable table = null;
    if (hello.serverName().isPresent()) {
      String name = hello.serverName().get();
      table = exact.get(name);
      for (int dot = name.indexOf('.');
          table == null && dot >= 0;
          dot = name.indexOf('.', dot + 1)) {
        table = wildcard.get(name.substring(dot + 1));
      }
    }
    if (table == null) {
      table = anyName;
    }
    return table == null ? NONE : table.select(hello);
  }
}
