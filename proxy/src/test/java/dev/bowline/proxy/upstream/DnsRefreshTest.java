package dev.bowline.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bowline.proxy.config.ClusterConfig;
import dev.bowline.proxy.config.ClusterConfig.Discovery;
import dev.bowline.proxy.config.ClusterConfig.DnsLookupFamily;
import dev.bowline.proxy.config.ClusterConfig.DnsSettings;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.proxy.upstream.lb.BuiltinLoadBalancers;
import dev.bowline.spi.model.Endpoint;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** DNS clusters' hosts, with a scripted resolver. */
class DnsRefreshTest {

  private final Map<String, InetAddress[]> names = new ConcurrentHashMap<>();
  private final MetricRegistry metrics = new MetricRegistry();
  private final ClusterManager manager =
      new ClusterManager(
          BuiltinLoadBalancers.newRegistry(),
          f -> null,
          metrics,
          host -> {
            InetAddress[] a = names.get(host);
            if (a == null) {
              throw new UnknownHostException(host);
            }
            return a;
          });

  @AfterEach
  void close() {
    manager.close();
  }

  private static InetAddress[] ips(String... literals) throws UnknownHostException {
    InetAddress[] a = new InetAddress[literals.length];
    for (int i = 0; i < literals.length; i++) {
      a[i] = InetAddress.getByName(literals[i]); // literals: no lookup
    }
    return a;
  }

  private static ClusterConfig cluster(
      String name, Discovery type, DnsLookupFamily family, String... hosts) {
    return new ClusterConfig(
        name,
        type,
        List.of(),
        "bowline.lb.round_robin",
        Map.of(),
        Duration.ofSeconds(1),
        ClusterConfig.UpstreamProtocol.HTTP1,
        Optional.empty(),
        ClusterConfig.CircuitBreakerLimits.DEFAULTS,
        Duration.ofHours(1),
        0,
        Optional.of(
            new DnsSettings(
                java.util.Arrays.stream(hosts).map(h -> Endpoint.of(h, 8080)).toList(),
                type == Discovery.STRICT_DNS,
                family,
                Duration.ofMillis(50))));
  }

  private List<String> hosts(String cluster) {
    return manager.get(cluster).hosts().stream()
        .map(h -> h.endpoint().address() + ":" + h.endpoint().port())
        .toList();
  }

  @Test
  void strictDnsMakesEveryAddressAHostAndFollowsChanges() throws Exception {
    names.put("svc", ips("10.0.0.1", "10.0.0.2", "::1"));
    names.put("other", ips("10.0.0.9"));

    manager.apply(List.of(cluster("c", Discovery.STRICT_DNS, DnsLookupFamily.V4_ONLY, "svc", "other")));

    assertThat(hosts("c")).containsExactly("10.0.0.1:8080", "10.0.0.2:8080", "10.0.0.9:8080");
    names.put("svc", ips("10.0.0.3"));
    await().atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(hosts("c")).containsExactly("10.0.0.3:8080", "10.0.0.9:8080"));
  }

  @Test
  void logicalDnsTakesTheFirstAddressOfTheFamily() throws Exception {
    names.put("svc", ips("::1", "10.0.0.1", "10.0.0.2"));

    manager.apply(
        List.of(
            cluster("auto", Discovery.LOGICAL_DNS, DnsLookupFamily.AUTO, "svc"),
            cluster("v4", Discovery.LOGICAL_DNS, DnsLookupFamily.V4_PREFERRED, "svc"),
            cluster("all", Discovery.STRICT_DNS, DnsLookupFamily.ALL, "svc")));

    assertThat(hosts("auto")).containsExactly("0:0:0:0:0:0:0:1:8080");
    assertThat(hosts("v4")).containsExactly("10.0.0.1:8080");
    assertThat(hosts("all")).hasSize(3);
  }

  @Test
  void aFailedResolutionKeepsTheLastGoodHostsAndIsCounted() throws Exception {
    names.put("svc", ips("10.0.0.1"));
    manager.apply(List.of(cluster("c", Discovery.STRICT_DNS, DnsLookupFamily.AUTO, "svc", "gone")));
    assertThat(hosts("c")).containsExactly("10.0.0.1:8080");

    names.remove("svc");
    await().atMost(Duration.ofSeconds(10))
        .until(() -> metrics.renderPrometheus()
            .matches("(?s).*envoy_cluster_update_failure\\{envoy_cluster_name=\"c\"\\} ([3-9]|\\d\\d).*"));
    assertThat(hosts("c")).containsExactly("10.0.0.1:8080");
    assertThat(manager.get("c").pick(null)).isNotNull();
  }

  @Test
  void closeStopsRefreshing() throws Exception {
    names.put("svc", ips("10.0.0.1"));
    manager.apply(List.of(cluster("c", Discovery.STRICT_DNS, DnsLookupFamily.AUTO, "svc")));
    manager.close();
    names.put("svc", ips("10.0.0.2"));

    Thread.sleep(300);
    assertThat(hosts("c")).containsExactly("10.0.0.1:8080");
  }

  @Test
  void anUnchangedDnsClusterKeepsResolvingAcrossApplies() throws Exception {
    names.put("svc", ips("10.0.0.1"));
    ClusterConfig c = cluster("c", Discovery.STRICT_DNS, DnsLookupFamily.AUTO, "svc");
    manager.apply(List.of(c));
    Cluster first = manager.get("c");
    manager.apply(List.of(c));

    assertThat(manager.get("c")).isSameAs(first);
    names.put("svc", ips("10.0.0.2"));
    await().atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(hosts("c")).containsExactly("10.0.0.2:8080"));
  }
}
