package dev.bowline.proxy.upstream.lb;

import dev.bowline.spi.lb.testing.TestHost;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.spi.lb.LoadBalancer;
import dev.bowline.spi.lb.LoadBalancerFactory;
import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.plugin.CanonicalName;
import dev.bowline.spi.plugin.ConfigError;
import dev.bowline.spi.plugin.ConfigOrError;
import dev.bowline.spi.plugin.ExtensionStatus;
import dev.bowline.spi.plugin.NamedFactory;
import dev.bowline.spi.plugin.SecurityPosture;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What both built-in factories promise: names, metadata and configuration handling. */
class LoadBalancerFactoriesTest {

  static List<LoadBalancerFactory<?>> factories() {
    return List.of(new RoundRobinLoadBalancerFactory(), new RandomLoadBalancerFactory());
  }

  @ParameterizedTest
  @MethodSource("factories")
  void hasACanonicalNameAndTheDefaultPriority(LoadBalancerFactory<?> factory) {
    assertThat(CanonicalName.isValid(factory.name())).isTrue();
    assertThat(factory.name()).startsWith("bowline.lb.");
    assertThat(factory.priority()).isEqualTo(NamedFactory.DEFAULT_PRIORITY);
    assertThat(factory.isAvailable()).isTrue();
  }

  @ParameterizedTest
  @MethodSource("factories")
  void describesItselfAsStableAndDataPlaneAgnostic(LoadBalancerFactory<?> factory) {
    assertThat(factory.metadata().status()).isEqualTo(ExtensionStatus.STABLE);
    assertThat(factory.metadata().securityPosture()).isEqualTo(SecurityPosture.DATA_PLANE_AGNOSTIC);
    assertThat(factory.metadata().description())
        .isNotBlank()
        .endsWith(".")
        .satisfies(d -> assertThat(d.substring(0, d.length() - 1)).doesNotContain(". "));
  }

  @ParameterizedTest
  @MethodSource("factories")
  void acceptsAnEmptyConfigurationAndBalances(LoadBalancerFactory<?> factory) {
    LoadBalancer balancer = newBalancer(factory, Map.of());

    assertThat(balancer.newPicker(TestHost.even(3)).pick(PickContext.NONE)).isNotNull();
  }

  @ParameterizedTest
  @MethodSource("factories")
  void rejectsAnUnknownFieldByName(LoadBalancerFactory<?> factory) {
    ConfigOrError<?> result = factory.parseConfig(Map.of("choiceCount", 2));

    assertThat(result.isOk()).isFalse();
    assertThat(result.errors()).singleElement().satisfies(error -> {
      assertThat(error.field()).isEqualTo("choiceCount");
      assertThat(error.message()).contains("unknown field").contains(factory.name());
    });
  }

  @ParameterizedTest
  @MethodSource("factories")
  void reportsEveryUnknownFieldInOrder(LoadBalancerFactory<?> factory) {
    Map<String, Object> raw = new LinkedHashMap<>();
    raw.put("zeta", true);
    raw.put("alpha", Map.of());

    ConfigOrError<?> result = factory.parseConfig(raw);

    assertThat(result.errors()).extracting(ConfigError::field).containsExactly("alpha", "zeta");
    assertThat(result.describeErrors()).startsWith("alpha: unknown field");
  }

  private static <C> LoadBalancer newBalancer(LoadBalancerFactory<C> factory, Map<String, ?> raw) {
    return factory.newLoadBalancer(factory.parseConfig(raw).value(), null);
  }
}
