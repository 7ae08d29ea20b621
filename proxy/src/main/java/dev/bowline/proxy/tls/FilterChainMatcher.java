package dev.bowline.proxy.tls;

import dev.bowline.proxy.config.FilterChainConfig;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Picks a listener's filter chain from a connection's SNI and offered ALPN protocols, with Envoy's
 * {@code filter_chain_match} rules for {@code server_names} then {@code application_protocols}:
 *
 * <ol>
 *   <li>server name: a chain listing the SNI exactly; else the chain with the longest matching
 *       wildcard {@code *.suffix} ({@code *.example.com} covers {@code a.example.com} and {@code
 *       a.b.example.com}, not {@code example.com}); else a chain with no server names. A connection
 *       without SNI only matches chains with no server names.
 *   <li>among the chains that won step 1, application protocol: the first protocol the client
 *       offers that a chain lists; else a chain that lists none.
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

  /** The chains of one server-name level, by application protocol. */
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

  private final Map<String, ProtocolTable> exact = new HashMap<>();
  private final Map<String, ProtocolTable> wildcard = new HashMap<>();
  private ProtocolTable anyName;
  private boolean hasCriteria;

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
      matcher.hasCriteria |=
          !chain.serverNames().isEmpty() || !chain.applicationProtocols().isEmpty();
      for (int n = 0; n < names.size(); n++) {
        String name = names.get(n).toLowerCase(Locale.ROOT);
        String problem = chain.serverNames().isEmpty() ? null : checkName(name);
        if (problem != null) {
          problems.add(matchPath + ".server_names[" + n + "]: \"" + names.get(n) + "\" " + problem);
          continue;
        }
        ProtocolTable table = matcher.table(name);
        for (String protocol : protocols) {
          Integer previous = seen.putIfAbsent(name + "\n" + protocol, i);
          if (previous != null) {
            problems.add(
                matchPath
                    + ": matches the same connections as filter_chains["
                    + previous
                    + "] (server name "
                    + (name.isEmpty() ? "any" : name)
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

  private ProtocolTable table(String name) {
    if (name.isEmpty()) {
      if (anyName == null) {
        anyName = new ProtocolTable();
      }
      return anyName;
    }
    if (name.startsWith("*.")) {
      return wildcard.computeIfAbsent(name.substring(2), key -> new ProtocolTable());
    }
    return exact.computeIfAbsent(name, key -> new ProtocolTable());
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

  /** Whether any chain has match criteria (else every connection takes the first chain). */
  boolean hasCriteria() {
    return hasCriteria;
  }

  /** The index of the chain for a connection, or -1 when no chain matches. */
  int select(ClientHello hello) {
    ProtocolTable table = null;
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
    return table == null ? NONE : table.select(hello.applicationProtocols());
  }
}
