package dev.bowline.proxy.upstream.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bowline.spi.lb.LoadBalancer;
import dev.bowline.spi.lb.LoadBalancerFactory;
import dev.bowline.spi.plugin.ConfigOrError;
import dev.bowline.spi.plugin.FactoryRegistry;
import dev.bowline.spi.plugin.PluginContext;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BuiltinLoadBalancersTest {

  @Test
  void theRegistryHoldsRoundRobinAndRandom() {
    FactoryRegistry<LoadBalancerFactory<?>> registry = BuiltinLoadBalancers.newRegistry();

    assertThat(registry.names()).containsExactly("bowline.lb.random", "bowline.lb.round_robin");
    assertThat(registry.require(RoundRobinLoadBalancerFactory.NAME))
        .isInstanceOf(RoundRobinLoadBalancerFactory.class);
    assertThat(registry.require(RandomLoadBalancerFactory.NAME))
        .isInstanceOf(RandomLoadBalancerFactory.class);
  }

  @Test
  void anUnknownNameIsReportedWithTheKnownOnes() {
    assertThatThrownBy(() -> BuiltinLoadBalancers.newRegistry().require("bowline.lb.least_request"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no load balancer named 'bowline.lb.least_request'")
        .hasMessageContaining("bowline.lb.round_robin");
  }

  @Test
  void eachRegistryIsIndependentAndTakesPluginFactories() {
    FactoryRegistry<LoadBalancerFactory<?>> first = BuiltinLoadBalancers.newRegistry();
    FactoryRegistry<LoadBalancerFactory<?>> second = BuiltinLoadBalancers.newRegistry();

    first.register(new Replacement(RoundRobinLoadBalancerFactory.NAME, 6));
    first.register(new Replacement("bowline.lb.least_request", 5));

    assertThat(first.require(RoundRobinLoadBalancerFactory.NAME)).isInstanceOf(Replacement.class);
    assertThat(first.names()).contains("bowline.lb.least_request");
    assertThat(second.require(RoundRobinLoadBalancerFactory.NAME))
        .isInstanceOf(RoundRobinLoadBalancerFactory.class);
    assertThat(second.get("bowline.lb.least_request")).isEmpty();
  }

  /** A stand-in for a plugin's factory. */
  private record Replacement(String name, int priority) implements LoadBalancerFactory<String> {

    @Override
    public ConfigOrError<String> parseConfig(Map<String, ?> raw) {
      return ConfigOrError.of("");
    }

    @Override
    public LoadBalancer newLoadBalancer(String config, PluginContext context) {
      return hosts -> context1 -> null;
    }
  }
}
