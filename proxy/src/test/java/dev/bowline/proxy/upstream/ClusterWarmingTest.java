package dev.bowline.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.proxy.config.BootstrapLoader;
import dev.bowline.proxy.config.ClusterConfig;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.proxy.upstream.lb.BuiltinLoadBalancers;
import dev.bowline.spi.lb.PickContext;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Envoy's cluster warming: when {@link ClusterManager#apply} returns, a new health-checked
 * cluster's picker and gauges already hold its first check results, even while the control
 * thread (which rebuilds pickers after later health changes) is busy with something else.
 */
class ClusterWarmingTest {

  private static final String CLUSTERS = """
      static_resources:
        clusters:
        - name: backend
          connect_timeout: 1s
          health_checks:
          - timeout: 1s
            interval: 10s
            unhealthy_threshold: 1
            healthy_threshold: 1
            http_health_check: { path: /healthz }
          load_assignment:
            cluster_name: backend
            endpoints:
            - lb_endpoints:
              - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: %d } } }
              - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: %d } } }
      """;

  @Test
  void applyReturnsWithTheFirstResultsInThePickerWhileTheControlThreadIsBusy() throws Exception {
    EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    CountDownLatch release = new CountDownLatch(1);
    MetricRegistry metrics = new MetricRegistry();
    HealthRuntime runtime =
        new HealthRuntime(
            loops,
            (loop, address, timeout, initializer) ->
                new Bootstrap()
                    .group(loop)
                    .channel(NioSocketChannel.class)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
                    .handler(initializer)
                    .connect(address));
    ClusterManager manager =
        new ClusterManager(BuiltinLoadBalancers.newRegistry(), f -> null, metrics, runtime);
    try (ScriptedHttpUpstream a = new ScriptedHttpUpstream("a");
        ScriptedHttpUpstream b = new ScriptedHttpUpstream("b")) {
      runtime.control().execute(() -> hold(release)); // the control thread is busy
      List<ClusterConfig> configs =
          new BootstrapLoader()
              .parse("warming.yaml", CLUSTERS.formatted(a.port(), b.port()))
              .clusters();

      manager.apply(configs);

      assertThat(a.checks.get()).isPositive();
      assertThat(b.checks.get()).isPositive();
      assertThat(healthyHosts(metrics)).isEqualTo(2);
      assertThat(manager.get("backend").pick(PickContext.NONE)).isNotNull();
    } finally {
      release.countDown();
      manager.close();
      loops.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
    }
  }

  private static void hold(CountDownLatch release) {
    try {
      release.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static long healthyHosts(MetricRegistry metrics) {
    Matcher m =
        Pattern.compile("(?m)^envoy_cluster_membership_healthy\\{envoy_cluster_name=\"backend\"} (\\d+)$")
            .matcher(metrics.renderPrometheus());
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }
}
