package dev.bowline.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bowline.proxy.config.ClusterConfig;
import dev.bowline.proxy.config.ConfigException;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.proxy.upstream.lb.BuiltinLoadBalancers;
import dev.bowline.spi.model.Endpoint;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An EDS cluster re-applied with other endpoints only keeps its running cluster (pools, counters)
 * and just gets the new endpoints; any other change still replaces it.
 */
class ClusterManagerEdsTest {

  private final ClusterManager manager =
      new ClusterManager(BuiltinLoadBalancers.newRegistry(), f -> null, new MetricRegistry());

  @AfterEach
  void close() {
    manager.close();
  }

  private static ClusterConfig cluster(
      ClusterConfig.Discovery discovery, String lbPolicy, Duration connectTimeout, int... ports) {
    List<Endpoint> endpoints =
        Arrays.stream(ports).mapToObj(p -> Endpoint.of("127.0.0.1", p)).toList();
    return new ClusterConfig("backend", discovery, endpoints, lbPolicy, Map.of(), connectTimeout,
        ClusterConfig.UpstreamProtocol.HTTP1, Optional.empty(),
        ClusterConfig.CircuitBreakerLimits.DEFAULTS, Duration.ofHours(1), 0);
  }

  private static ClusterConfig eds(int... ports) {
    return cluster(ClusterConfig.Discovery.EDS, "bowline.lb.round_robin", Duration.ofSeconds(1),
        ports);
  }

  private List<Integer> ports() {
    return manager.get("backend").hosts().stream().map(h -> h.endpoint().port()).toList();
  }

  @Test
  void anEdsClusterWhoseEndpointsAloneChangedIsKeptWithTheNewEndpoints() throws Exception {
    manager.apply(List.of(eds(8001, 8002)));
    Cluster running = manager.get("backend");
    ClusterHost kept = running.hosts().get(1);

    manager.apply(List.of(eds(8002, 8003)));

    assertThat(manager.get("backend")).isSameAs(running);
    assertThat(ports()).containsExactly(8002, 8003);
    assertThat(running.hosts().get(0)).isSameAs(kept); // a host that stays keeps its counters
  }

  @Test
  void reapplyingTheEndpointsItRunsWithChangesNothing() throws Exception {
    manager.apply(List.of(eds(8001)));
    Cluster running = manager.get("backend");
    manager.apply(List.of(eds(8002)));
    List<ClusterHost> hosts = running.hosts();

    manager.apply(List.of(eds(8002)));

    assertThat(manager.get("backend")).isSameAs(running);
    assertThat(running.hosts()).isSameAs(hosts);
  }

  @Test
  void anEdsClusterWithOtherSettingsIsReplacedAndStartsWithItsEndpoints() throws Exception {
    manager.apply(List.of(eds(8001)));
    Cluster running = manager.get("backend");

    manager.apply(List.of(cluster(ClusterConfig.Discovery.EDS, "bowline.lb.random",
        Duration.ofSeconds(1), 8004)));

    assertThat(manager.get("backend")).isNotSameAs(running);
    assertThat(manager.get("backend").config().lbPolicy()).isEqualTo("bowline.lb.random");
    assertThat(ports()).containsExactly(8004);
  }

  @Test
  void aStaticClusterWithOtherEndpointsIsStillReplaced() throws Exception {
    ClusterConfig first = cluster(ClusterConfig.Discovery.STATIC, "bowline.lb.round_robin",
        Duration.ofSeconds(1), 8001);
    manager.apply(List.of(first));
    Cluster running = manager.get("backend");

    manager.apply(List.of(cluster(ClusterConfig.Discovery.STATIC, "bowline.lb.round_robin",
        Duration.ofSeconds(1), 8002)));

    assertThat(manager.get("backend")).isNotSameAs(running);
    assertThat(ports()).containsExactly(8002);
  }

  @Test
  void aRefusedApplyLeavesTheEndpointsAsTheyWere() throws Exception {
    manager.apply(List.of(eds(8001)));
    ClusterConfig broken =
        new ClusterConfig("other", ClusterConfig.Discovery.STATIC, List.of(), "no.such.balancer",
            Map.of(), Duration.ofSeconds(1), ClusterConfig.UpstreamProtocol.HTTP1,
            Optional.empty(), ClusterConfig.CircuitBreakerLimits.DEFAULTS, Duration.ofHours(1), 0);

    assertThatThrownBy(() -> manager.apply(List.of(eds(8002), broken)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("no.such.balancer");

    assertThat(ports()).containsExactly(8001);
    assertThat(manager.get("other")).isNull();
  }
}
