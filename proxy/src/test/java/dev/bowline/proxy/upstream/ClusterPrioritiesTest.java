package dev.bowline.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.proxy.config.ClusterConfig;
import dev.bowline.proxy.config.ClusterConfig.HealthPolicy;
import dev.bowline.proxy.config.LoadAssignment;
import dev.bowline.proxy.config.PrioritizedEndpoint;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.proxy.upstream.lb.BuiltinLoadBalancers;
import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.model.Endpoint;
import dev.bowline.spi.model.HealthStatus;
import dev.bowline.spi.model.Locality;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A cluster's hosts by priority level: where requests go as levels lose health (here by the
 * endpoints' own status, as EDS reports it), panic mode, and the host state kept across updates.
 */
class ClusterPrioritiesTest {

  private final MetricRegistry metrics = new MetricRegistry();
  private final ClusterManager manager =
      new ClusterManager(BuiltinLoadBalancers.newRegistry(), f -> null, metrics);

  @AfterEach
  void close() {
    manager.close();
  }

  private static PrioritizedEndpoint host(int port, int priority, HealthStatus health) {
    return new PrioritizedEndpoint(
        new Endpoint("127.0.0.1", port, Map.of(), Locality.UNKNOWN, 1, health), priority);
  }

  private static PrioritizedEndpoint healthy(int port, int priority) {
    return host(port, priority, HealthStatus.HEALTHY);
  }

  private Cluster apply(int panicThreshold, PrioritizedEndpoint... endpoints) throws Exception {
    ClusterConfig base = new ClusterConfig("backend", ClusterConfig.Discovery.EDS, List.of(),
        "bowline.lb.round_robin", Map.of(), Duration.ofSeconds(1),
        ClusterConfig.UpstreamProtocol.HTTP1, Optional.empty(),
        ClusterConfig.CircuitBreakerLimits.DEFAULTS, Duration.ofHours(1), 0);
    ClusterConfig config = new ClusterConfig(base.name(), base.discovery(),
        new LoadAssignment(List.of(endpoints), LoadAssignment.DEFAULT_OVERPROVISIONING_FACTOR,
            false),
        base.lbPolicy(), base.lbConfig(), base.connectTimeout(), base.protocol(), base.tls(),
        base.limits(), base.idleTimeout(), base.maxRequestsPerConnection(), base.dns(),
        new HealthPolicy(Optional.empty(), Optional.empty(), panicThreshold));
    manager.apply(List.of(config));
    return manager.get("backend");
  }

  /** How many of 100 hash-keyed picks (keys 0..99, one per load percent) go to each port. */
  private static Map<Integer, Integer> spread(Cluster cluster) {
    Map<Integer, Integer> byPort = new TreeMap<>();
    for (long key = 0; key < 100; key++) {
      long k = key;
      ClusterHost h = cluster.pick(new PickContext() {
        @Override
        public boolean hasHashKey() {
          return true;
        }

        @Override
        public long hashKey() {
          return k;
        }
      });
      byPort.merge(h == null ? 0 : h.endpoint().port(), 1, Integer::sum);
    }
    return byPort;
  }

  private long counter(String name) {
    var m = java.util.regex.Pattern.compile("(?m)^" + name
        + "\\{envoy_cluster_name=\"backend\"} (\\d+)$").matcher(metrics.renderPrometheus());
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  @Test
  void trafficStaysOnPriorityZeroWhileItIsHealthyEnough() throws Exception {
    Cluster cluster = apply(50, healthy(8001, 0), healthy(8002, 0), healthy(8003, 0),
        healthy(8004, 0), host(8005, 0, HealthStatus.UNHEALTHY), healthy(9001, 1));

    // 4 of 5 healthy is 80%, times 1.4 over 100%: priority 1 gets nothing
    assertThat(spread(cluster)).doesNotContainKeys(8005, 9001);
    assertThat(counter("envoy_cluster_membership_healthy")).isEqualTo(5);
    assertThat(counter("envoy_cluster_membership_total")).isEqualTo(6);
  }

  @Test
  void loadSpillsToTheNextPriorityAsPriorityZeroLosesHealth() throws Exception {
    Cluster cluster = apply(50, healthy(8001, 0), host(8002, 0, HealthStatus.DRAINING),
        healthy(9001, 1));

    // half of priority 0 healthy: health 70, so 70% stays there and 30% spills over
    Map<Integer, Integer> spread = spread(cluster);
    assertThat(spread).containsEntry(8001, 70).containsEntry(9001, 30).doesNotContainKey(8002);
  }

  @Test
  void allOfPriorityZeroUnhealthySendsEverythingToPriorityOne() throws Exception {
    Cluster cluster = apply(0, host(8001, 0, HealthStatus.UNHEALTHY),
        host(8002, 0, HealthStatus.UNHEALTHY), healthy(9001, 1), healthy(9002, 1));

    assertThat(spread(cluster)).containsOnlyKeys(9001, 9002);
  }

  @Test
  void priorityNumbersNeedNotBeContiguous() throws Exception {
    Cluster cluster = apply(50, host(8001, 0, HealthStatus.UNHEALTHY), healthy(9001, 5));

    assertThat(spread(cluster)).containsOnlyKeys(9001);
  }

  @Test
  void inPanicAPriorityLevelBalancesAcrossAllItsHostsAndCountsIt() throws Exception {
    Cluster cluster = apply(50, healthy(8001, 0), host(8002, 0, HealthStatus.UNHEALTHY),
        host(8003, 0, HealthStatus.UNHEALTHY));

    assertThat(spread(cluster)).containsOnlyKeys(8001, 8002, 8003);
    assertThat(counter("envoy_cluster_lb_healthy_panic")).isEqualTo(100);
  }

  @Test
  void withPanicDisabledOnlyHealthyHostsTakeTrafficOrNone() throws Exception {
    Cluster some = apply(0, healthy(8001, 0), host(8002, 0, HealthStatus.UNHEALTHY),
        host(8003, 0, HealthStatus.UNHEALTHY));
    assertThat(spread(some)).containsOnlyKeys(8001);

    Cluster none = apply(0, host(8001, 0, HealthStatus.UNHEALTHY));
    assertThat(spread(none)).containsOnlyKeys(0); // no host: 503, flag UH
    assertThat(counter("envoy_cluster_lb_healthy_panic")).isZero();
  }

  @Test
  void aHostKeepsItsStateWhenOnlyItsWeightStatusOrPriorityChanges() throws Exception {
    Cluster cluster = apply(50, healthy(8001, 0), healthy(8002, 0));
    ClusterHost first = cluster.hosts().get(0);
    first.requestStarted();

    manager.apply(List.of(cluster.config().withAssignment(new LoadAssignment(
        List.of(new PrioritizedEndpoint(Endpoint.of("127.0.0.1", 8001).withWeight(5), 1),
            healthy(8002, 0)),
        140, false))));

    assertThat(manager.get("backend")).isSameAs(cluster);
    assertThat(cluster.hosts().get(0)).isSameAs(first);
    assertThat(first.weight()).isEqualTo(5);
    assertThat(first.priority()).isEqualTo(1);
    assertThat(first.activeRequests()).isEqualTo(1);
    assertThat(spread(cluster)).containsOnlyKeys(8002);
  }
}
