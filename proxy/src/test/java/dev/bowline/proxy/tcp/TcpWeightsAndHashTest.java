package dev.bowline.proxy.tcp;

import static dev.bowline.proxy.tcp.TcpTestSupport.connect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.bowline.proxy.config.BootstrapLoader;
import dev.bowline.proxy.config.ConfigException;
import dev.bowline.proxy.config.ProxyConfig;
import dev.bowline.proxy.hash.XxHash64;
import dev.bowline.proxy.server.ProxyServer;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.proxy.upstream.lb.BuiltinLoadBalancers;
import dev.bowline.proxy.upstream.lb.HashModuloLoadBalancerFactory;
import dev.bowline.spi.lb.LoadBalancerFactory;
import dev.bowline.spi.plugin.FactoryRegistry;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TCP proxies configured as Istio writes them for tcp routes, from an Envoy bootstrap: weighted
 * clusters (a route of weight 0 is left out, as Istio leaves it out; Envoy refuses a zero weight)
 * and {@code hash_policy: [{source_ip: {}}]} for a consistent-hash destination rule.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpWeightsAndHashTest {

  @TempDir Path dir;

  private final List<AutoCloseable> closeAfter = new ArrayList<>();
  private ProxyServer proxy;

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    for (AutoCloseable c : closeAfter) {
      c.close();
    }
  }

  private BlockingServer echo() throws IOException {
    BlockingServer s = new BlockingServer(BlockingServer.ECHO);
    closeAfter.add(s);
    return s;
  }

  private static String cluster(String name, String lbPolicy, BlockingServer... hosts) {
    StringBuilder endpoints = new StringBuilder();
    for (BlockingServer host : hosts) {
      endpoints.append(
          """
                  - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}
          """
              .formatted(host.port()));
    }
    return """
          - name: %s
            type: STATIC
            lb_policy: %s
            load_assignment:
              cluster_name: %s
              endpoints:
              - lb_endpoints:
        %s"""
        .formatted(name, lbPolicy, name, endpoints);
  }

  private ProxyConfig load(String tcpProxyYaml, String clustersYaml) throws Exception {
    String bootstrap =
        """
        static_resources:
          listeners:
          - name: tcp
            address: {socket_address: {address: 127.0.0.1, port_value: 0}}
            filter_chains:
            - filters:
              - name: envoy.filters.network.tcp_proxy
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
                  stat_prefix: tcp
        %s
          clusters:
        %s"""
            .formatted(tcpProxyYaml.indent(10), clustersYaml);
    Path file = dir.resolve("bootstrap.yaml");
    Files.writeString(file, bootstrap);
    return new BootstrapLoader().load(file);
  }

  private void start(ProxyConfig config, FactoryRegistry<LoadBalancerFactory<?>> balancers)
      throws ConfigException {
    proxy = new ProxyServer(2, balancers, f -> null, new MetricRegistry());
    proxy.apply(config);
  }

  private void roundTrips(int connections) throws IOException {
    int port = proxy.listenerAddress("tcp").orElseThrow().getPort();
    for (int i = 0; i < connections; i++) {
      try (Socket s = connect(port)) {
        s.getOutputStream().write('a' + i % 26);
        assertThat(s.getInputStream().read()).isEqualTo('a' + i % 26);
      }
    }
  }

  @Test
  void aHundredToZeroSplitSendsEveryConnectionToTheOneCluster() throws Exception {
    // Istio's tcp route with weights 100 and 0: the zero-weight destination is left out.
    BlockingServer v1 = echo();
    BlockingServer v2 = echo();
    start(
        load(
            "weighted_clusters: {clusters: [{name: v1, weight: 100}]}",
            cluster("v1", "ROUND_ROBIN", v1) + cluster("v2", "ROUND_ROBIN", v2)),
        BuiltinLoadBalancers.newRegistry());

    roundTrips(30);

    assertThat(v1.accepted).hasValue(30);
    assertThat(v2.accepted).hasValue(0);
  }

  @Test
  void aZeroWeightIsRefusedNamingTheField() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                load(
                    "weighted_clusters: {clusters: [{name: v1, weight: 1}, {name: v2, weight: 0}]}",
                    cluster("v1", "ROUND_ROBIN", echo()) + cluster("v2", "ROUND_ROBIN", echo())));

    assertThat(e.problems())
        .singleElement()
        .asString()
        .startsWith(
            "static_resources.listeners[0].filter_chains[0].filters[0].typed_config"
                + ".weighted_clusters.clusters[1].weight: ");
  }

  @Test
  void eightyToTwentySplitsConnectionsByWeight() throws Exception {
    BlockingServer v1 = echo();
    BlockingServer v2 = echo();
    start(
        load(
            "weighted_clusters: {clusters: [{name: v1, weight: 80}, {name: v2, weight: 20}]}",
            cluster("v1", "ROUND_ROBIN", v1) + cluster("v2", "ROUND_ROBIN", v2)),
        BuiltinLoadBalancers.newRegistry());

    int connections = 300;
    roundTrips(connections);

    // Binomial(300, 0.2): mean 60, standard deviation about 7; a band of six deviations.
    assertThat(v1.accepted.get() + v2.accepted.get()).isEqualTo(connections);
    assertThat(v2.accepted.get()).isBetween(39, 81);
  }

  @Test
  void aSourceIpHashPolicySendsEveryConnectionOfAClientToOneHost() throws Exception {
    BlockingServer[] hosts = {echo(), echo(), echo()};
    FactoryRegistry<LoadBalancerFactory<?>> balancers = BuiltinLoadBalancers.newRegistry();
    balancers.register(new HashModuloLoadBalancerFactory("bowline.lb.ring_hash"));
    start(
        load(
            "cluster: sticky\nhash_policy: [{source_ip: {}}]",
            cluster("sticky", "RING_HASH", hosts)),
        balancers);

    roundTrips(12);

    int expected = HashModuloLoadBalancerFactory.index(XxHash64.hash("127.0.0.1"), 3);
    for (int i = 0; i < 3; i++) {
      assertThat(hosts[i].accepted).as("host %d", i).hasValue(i == expected ? 12 : 0);
    }
  }

  @Test
  void moreThanOneHashPolicyOrAFilterStateOneIsRefused() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                load(
                    "cluster: c\nhash_policy: [{source_ip: {}}, {filter_state: {key: k}}]",
                    cluster("c", "RING_HASH", echo())));

    String path = "static_resources.listeners[0].filter_chains[0].filters[0].typed_config.hash_policy";
    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            path + "[1].filter_state: not supported by Bowline yet",
            path + ": at most one hash policy (as in Envoy), not 2");
  }
}
