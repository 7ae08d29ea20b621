package dev.bowline.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.proxy.config.FilterChainConfig;
import dev.bowline.proxy.config.FilterChainConfig.TransportProtocol;
import dev.bowline.proxy.config.TcpProxyConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FilterChainMatcherTest {

  private static final TcpProxyConfig FILTER =
      new TcpProxyConfig("t", List.of(new TcpProxyConfig.WeightedCluster("c", 1)), Duration.ZERO);

  private static FilterChainConfig chain(List<String> names, List<String> protocols) {
    return new FilterChainConfig(names, protocols, Optional.empty(), FILTER);
  }

  private static FilterChainMatcher compile(FilterChainConfig... chains) {
    List<String> problems = new ArrayList<>();
    FilterChainMatcher matcher =
        FilterChainMatcher.compile(List.of(chains), "listeners[0]", problems);
    assertThat(problems).isEmpty();
    return matcher;
  }

  private static ClientHello hello(String sni, String... alpn) {
    return new ClientHello(Optional.ofNullable(sni), List.of(alpn));
  }

  @Test
  void exactNamesBeatWildcardsAndLongerWildcardsBeatShorterOnes() {
    FilterChainMatcher matcher =
        compile(
            chain(List.of("*.example.com"), List.of()),
            chain(List.of("api.example.com"), List.of()),
            chain(List.of("*.eu.example.com"), List.of()),
            chain(List.of(), List.of()));
    assertThat(matcher.select(hello("api.example.com"))).isEqualTo(1);
    assertThat(matcher.select(hello("web.example.com"))).isEqualTo(0);
    assertThat(matcher.select(hello("a.b.example.com"))).isEqualTo(0);
    assertThat(matcher.select(hello("web.eu.example.com"))).isEqualTo(2);
    assertThat(matcher.select(hello("example.com"))).isEqualTo(3);
    assertThat(matcher.select(hello("elsewhere.test"))).isEqualTo(3);
    assertThat(matcher.select(hello(null))).isEqualTo(3);
    assertThat(matcher.hasCriteria()).isTrue();
  }

  @Test
  void withoutADefaultChainUnknownNamesAndMissingSniMatchNothing() {
    FilterChainMatcher matcher = compile(chain(List.of("api.example.com"), List.of()));
    assertThat(matcher.select(hello("other.example.com"))).isEqualTo(-1);
    assertThat(matcher.select(hello(null))).isEqualTo(-1);
  }

  @Test
  void serverNamesAreCaseInsensitive() {
    FilterChainMatcher matcher = compile(chain(List.of("API.Example.com", "*.Test"), List.of()));
    assertThat(matcher.select(hello("api.example.com"))).isZero();
    assertThat(matcher.select(hello("x.test"))).isZero();
  }

  @Test
  void applicationProtocolsNarrowTheChainsOfAServerName() {
    FilterChainMatcher matcher =
        compile(
            chain(List.of("api.example.com"), List.of("h2")),
            chain(List.of("api.example.com"), List.of()),
            chain(List.of(), List.of("http/1.1")));
    assertThat(matcher.select(hello("api.example.com", "h2", "http/1.1"))).isEqualTo(0);
    assertThat(matcher.select(hello("api.example.com", "http/1.1"))).isEqualTo(1);
    assertThat(matcher.select(hello("api.example.com"))).isEqualTo(1);
    assertThat(matcher.select(hello(null, "http/1.1"))).isEqualTo(2);
    // As in Envoy, no fallback to another server-name level once one matched.
    assertThat(matcher.select(hello(null, "h2"))).isEqualTo(-1);
  }

  @Test
  void theFirstOfferedProtocolThatAChainListsWins() {
    FilterChainMatcher matcher =
        compile(chain(List.of(), List.of("h2")), chain(List.of(), List.of("http/1.1")));
    assertThat(matcher.select(hello(null, "http/1.1", "h2"))).isEqualTo(1);
    assertThat(matcher.select(hello(null, "h2", "http/1.1"))).isEqualTo(0);
  }

  private static FilterChainConfig chain(
      TransportProtocol transport, List<String> names, List<String> protocols) {
    return new FilterChainConfig(names, protocols, Optional.empty(), FILTER, transport);
  }

  @Test
  void theTransportProtocolTellsTlsFromPlaintextOnOnePort() {
    // Istio's PERMISSIVE inbound: mTLS from the mesh by ALPN, other TLS, and plaintext.
    FilterChainMatcher matcher =
        compile(
            chain(TransportProtocol.TLS, List.of(), List.of("istio-peer-exchange", "istio")),
            chain(TransportProtocol.TLS, List.of(), List.of()),
            chain(TransportProtocol.RAW_BUFFER, List.of(), List.of()));
    assertThat(matcher.hasCriteria()).isTrue();
    assertThat(matcher.select(hello(null, "istio-peer-exchange", "istio"))).isEqualTo(0);
    assertThat(matcher.select(hello("app.example.com", "h2"))).isEqualTo(1);
    assertThat(matcher.select(ClientHello.NONE)).isEqualTo(2);
  }

  @Test
  void strictHasNoChainForPlaintext() {
    FilterChainMatcher matcher = compile(chain(TransportProtocol.TLS, List.of(), List.of()));
    assertThat(matcher.select(hello(null))).isZero();
    assertThat(matcher.select(ClientHello.NONE)).isEqualTo(-1);
  }

  @Test
  void aChainWithoutTransportProtocolTakesWhatTheOthersLeave() {
    FilterChainMatcher matcher =
        compile(
            chain(TransportProtocol.RAW_BUFFER, List.of(), List.of()),
            chain(TransportProtocol.ANY, List.of(), List.of()));
    assertThat(matcher.select(ClientHello.NONE)).isZero();
    assertThat(matcher.select(hello(null))).isEqualTo(1);
  }

  @Test
  void chainsWithoutCriteriaNeedNoInspection() {
    assertThat(compile(chain(List.of(), List.of())).hasCriteria()).isFalse();
  }

  @Test
  void reportsChainsThatMatchTheSameConnectionsAndBadNames() {
    List<String> problems = new ArrayList<>();
    FilterChainMatcher.compile(
        List.of(
            chain(List.of("a.example.com"), List.of()),
            chain(List.of("b.example.com", "A.example.com"), List.of()),
            chain(List.of(), List.of()),
            chain(List.of(), List.of()),
            chain(List.of("x*.example.com", "*", "a..b", ""), List.of())),
        "static_resources.listeners[3]",
        problems);
    assertThat(problems)
        .containsExactly(
            "static_resources.listeners[3].filter_chains[1].filter_chain_match: matches the same"
                + " connections as filter_chains[0] (server name a.example.com, application"
                + " protocol any)",
            "static_resources.listeners[3].filter_chains[3].filter_chain_match: matches the same"
                + " connections as filter_chains[2] (server name any, application protocol any)",
            "static_resources.listeners[3].filter_chains[4].filter_chain_match.server_names[0]:"
                + " \"x*.example.com\" is not a host name or a *.suffix wildcard",
            "static_resources.listeners[3].filter_chains[4].filter_chain_match.server_names[1]:"
                + " \"*\" is not a host name or a *.suffix wildcard",
            "static_resources.listeners[3].filter_chains[4].filter_chain_match.server_names[2]:"
                + " \"a..b\" has an empty label",
            "static_resources.listeners[3].filter_chains[4].filter_chain_match.server_names[3]:"
                + " \"\" is empty");
  }
}
