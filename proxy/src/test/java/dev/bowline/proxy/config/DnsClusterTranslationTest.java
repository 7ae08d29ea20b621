package dev.bowline.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import dev.bowline.proxy.config.ClusterConfig.DnsLookupFamily;
import dev.bowline.spi.model.Endpoint;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** STRICT_DNS and LOGICAL_DNS clusters in a bootstrap. */
class DnsClusterTranslationTest {

  private final BootstrapLoader loader = new BootstrapLoader();

  private static String cluster(String body) {
    return "static_resources:\n  clusters:\n  - name: c\n" + body.indent(4);
  }

  private static String endpoints(String... hosts) {
    StringBuilder b = new StringBuilder(
        "load_assignment:\n  cluster_name: c\n  endpoints:\n  - lb_endpoints:\n");
    for (String host : hosts) {
      String[] hp = host.split(":");
      b.append("    - endpoint: {address: {socket_address: {address: ").append(hp[0])
          .append(", port_value: ").append(hp[1]).append("}}}\n");
    }
    return b.toString();
  }

  @Test
  void strictDnsKeepsEveryNameWithItsRefreshRateAndFamily() throws Exception {
    ProxyConfig config =
        loader.parse("inline.yaml", cluster("""
            type: STRICT_DNS
            dns_lookup_family: ALL
            dns_refresh_rate: 2s
            """ + endpoints("a.example:80", "10.0.0.1:81")));

    ClusterConfig c = config.clusters().get(0);
    assertThat(c.discovery()).isEqualTo(ClusterConfig.Discovery.STRICT_DNS);
    assertThat(c.endpoints()).isEmpty();
    assertThat(c.dns()).hasValueSatisfying(dns -> {
      assertThat(dns.strict()).isTrue();
      assertThat(dns.lookupFamily()).isEqualTo(DnsLookupFamily.ALL);
      assertThat(dns.refreshRate()).isEqualTo(Duration.ofSeconds(2));
      assertThat(dns.targets())
          .extracting(Endpoint::address, Endpoint::port)
          .containsExactly(tuple("a.example", 80), tuple("10.0.0.1", 81));
    });
  }

  @Test
  void defaultsAreEnvoys() throws Exception {
    ClusterConfig c =
        loader.parse("inline.yaml", cluster("type: LOGICAL_DNS\n" + endpoints("a.example:80")))
            .clusters().get(0);

    assertThat(c.dns()).hasValueSatisfying(dns -> {
      assertThat(dns.lookupFamily()).isEqualTo(DnsLookupFamily.AUTO);
      assertThat(dns.refreshRate()).isEqualTo(Duration.ofSeconds(5));
    });
  }

  @Test
  void staticClustersStillNeedIpLiteralsAndStaticClustersHaveNoDnsSettings() throws Exception {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () -> loader.parse("inline.yaml", cluster("type: STATIC\n" + endpoints("a.example:80"))));

    assertThat(e.problems()).singleElement().asString()
        .contains("'a.example' is not an IP address")
        .contains("STRICT_DNS and LOGICAL_DNS");
    assertThat(
            loader.parse("inline.yaml", cluster(endpoints("10.0.0.1:80"))).clusters().get(0).dns())
        .isEmpty();
  }

  @Test
  void rejectsMisusedDnsSettings() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () -> loader.parse("inline.yaml", """
                static_resources:
                  clusters:
                  - name: two
                    type: LOGICAL_DNS
                    load_assignment:
                      cluster_name: two
                      endpoints:
                      - lb_endpoints:
                        - endpoint: {address: {socket_address: {address: a.example, port_value: 80}}}
                        - endpoint: {address: {socket_address: {address: b.example, port_value: 80}}}
                  - name: none
                    type: STRICT_DNS
                  - name: ttl
                    type: STRICT_DNS
                    respect_dns_ttl: true
                    load_assignment:
                      cluster_name: ttl
                      endpoints:
                      - lb_endpoints:
                        - endpoint: {address: {socket_address: {address: a.example, port_value: 80}}}
                  - name: rate
                    dns_refresh_rate: 1s
                    load_assignment: {cluster_name: rate}
                  - name: port
                    type: STRICT_DNS
                    load_assignment:
                      cluster_name: port
                      endpoints:
                      - lb_endpoints:
                        - endpoint: {address: {socket_address: {address: a.example, port_value: 0}}}
                """));

    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            "static_resources.clusters[0].load_assignment: a LOGICAL_DNS cluster takes exactly one"
                + " endpoint",
            "static_resources.clusters[1].load_assignment: a STRICT_DNS cluster needs an endpoint"
                + " to resolve",
            "static_resources.clusters[2].respect_dns_ttl: not supported by Bowline yet",
            "static_resources.clusters[3].dns_refresh_rate: only for type STRICT_DNS or LOGICAL_DNS",
            "static_resources.clusters[4].load_assignment.endpoints[0].lb_endpoints[0].endpoint"
                + ".address.socket_address.port_value: must be from 1 to 65535, not 0");
  }
}
