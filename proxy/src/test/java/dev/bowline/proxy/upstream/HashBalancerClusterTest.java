package dev.bowline.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.bowline.proxy.config.ClusterConfig;
import dev.bowline.proxy.config.ClusterTranslator;
import dev.bowline.proxy.config.ConfigException;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.proxy.upstream.lb.BuiltinLoadBalancers;
import dev.bowline.proxy.upstream.lb.HashModuloLoadBalancerFactory;
import dev.bowline.spi.lb.LoadBalancerFactory;
import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.plugin.FactoryRegistry;
import io.envoyproxy.envoy.config.cluster.v3.Cluster.LbPolicy;
import io.envoyproxy.envoy.config.cluster.v3.Cluster.MaglevLbConfig;
import io.envoyproxy.envoy.config.cluster.v3.Cluster.RingHashLbConfig;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import com.google.protobuf.UInt64Value;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Clusters with {@code lb_policy: RING_HASH} or {@code MAGLEV} get their balancer from the
 * registry (a plugin in a real proxy; here a test balancer under the same name), configured from
 * the Envoy fields, and the error without the plugin says which plugin to install.
 */
class HashBalancerClusterTest {

  private ClusterManager manager;

  @AfterEach
  void close() {
    if (manager != null) {
      manager.close();
    }
  }

  private static io.envoyproxy.envoy.config.cluster.v3.Cluster.Builder envoyCluster(LbPolicy policy) {
    LocalityLbEndpoints.Builder endpoints = LocalityLbEndpoints.newBuilder();
    for (int port : new int[] {9001, 9002, 9003}) {
      endpoints.addLbEndpoints(
          LbEndpoint.newBuilder()
              .setEndpoint(
                  Endpoint.newBuilder()
                      .setAddress(
                          Address.newBuilder()
                              .setSocketAddress(
                                  SocketAddress.newBuilder()
                                      .setAddress("127.0.0.1")
                                      .setPortValue(port)))));
    }
    return io.envoyproxy.envoy.config.cluster.v3.Cluster.newBuilder()
        .setName("sticky")
        .setLbPolicy(policy)
        .setLoadAssignment(
            ClusterLoadAssignment.newBuilder().setClusterName("sticky").addEndpoints(endpoints));
  }

  @Test
  void withoutThePluginTheErrorSaysWhichPluginToInstall() throws Exception {
    manager = new ClusterManager(BuiltinLoadBalancers.newRegistry(), f -> null, new MetricRegistry());
    ClusterConfig ring = ClusterTranslator.translate(envoyCluster(LbPolicy.RING_HASH).build(), "");
    ClusterConfig maglev = ClusterTranslator.translate(envoyCluster(LbPolicy.MAGLEV).build(), "");

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> manager.apply(List.of(ring)));
    ConfigException m = catchThrowableOfType(ConfigException.class, () -> manager.apply(List.of(maglev)));

    assertThat(e.problems())
        .containsExactly(
            "cluster sticky: lb_policy: no load balancer named 'bowline.lb.ring_hash' is available:"
                + " install the plugin lb-ring-hash (known: [bowline.lb.random,"
                + " bowline.lb.round_robin])");
    assertThat(m.problems().get(0))
        .contains("'bowline.lb.maglev' is available: install the plugin lb-ring-hash");
  }

  @Test
  void theRegisteredBalancerGetsTheEnvoySettingsAndPicksByTheHashKey() throws Exception {
    FactoryRegistry<LoadBalancerFactory<?>> registry = BuiltinLoadBalancers.newRegistry();
    HashModuloLoadBalancerFactory ring = new HashModuloLoadBalancerFactory("bowline.lb.ring_hash");
    HashModuloLoadBalancerFactory maglev = new HashModuloLoadBalancerFactory("bowline.lb.maglev");
    registry.register(ring);
    registry.register(maglev);
    manager = new ClusterManager(registry, f -> null, new MetricRegistry());

    manager.apply(
        List.of(
            ClusterTranslator.translate(
                envoyCluster(LbPolicy.RING_HASH)
                    .setRingHashLbConfig(
                        RingHashLbConfig.newBuilder()
                            .setMinimumRingSize(UInt64Value.of(2048))
                            .setMaximumRingSize(UInt64Value.of(65536)))
                    .build(),
                "")));
    assertThat(ring.lastConfig).isEqualTo(Map.of("minimumRingSize", 2048, "maximumRingSize", 65536));
    Cluster cluster = manager.get("sticky");
    for (long key : new long[] {0, 1, 2, 7, -1L, 0x8000_0000_0000_0001L}) {
      PickContext hashed =
          new PickContext() {
            @Override
            public boolean hasHashKey() {
              return true;
            }

            @Override
            public long hashKey() {
              return key;
            }
          };
      assertThat(cluster.pick(hashed)).isSameAs(cluster.hosts().get(HashModuloLoadBalancerFactory.index(key, 3)));
    }

    manager.apply(
        List.of(
            ClusterTranslator.translate(
                envoyCluster(LbPolicy.MAGLEV)
                    .setMaglevLbConfig(MaglevLbConfig.newBuilder().setTableSize(UInt64Value.of(65537)))
                    .build(),
                "")));
    assertThat(maglev.lastConfig).isEqualTo(Map.of("tableSize", 65537));
  }
}
