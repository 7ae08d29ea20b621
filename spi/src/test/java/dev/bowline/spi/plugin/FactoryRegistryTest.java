package dev.bowline.spi.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FactoryRegistryTest {

  private record Factory(String name, int priority, boolean isAvailable) implements NamedFactory<String> {
    @Override
    public ConfigOrError<String> parseConfig(Map<String, ?> raw) {
      return raw.isEmpty() ? ConfigOrError.of("ok") : ConfigOrError.error("x", "unknown field");
    }
  }

  @Test
  void theAvailableFactoryWithTheHighestPriorityWins() {
    FactoryRegistry<Factory> registry = new FactoryRegistry<>("test");
    Factory builtin = new Factory("bowline.lb.round_robin", 5, true);
    Factory better = new Factory("bowline.lb.round_robin", 7, true);
    Factory unavailable = new Factory("bowline.lb.round_robin", 9, false);
    registry.register(builtin);
    registry.register(unavailable);
    registry.register(better);

    assertThat(registry.get("bowline.lb.round_robin")).containsSame(better);
    assertThat(registry.names()).containsExactly("bowline.lb.round_robin");
    assertThat(registry.get("bowline.lb.nope")).isEmpty();
  }

  @Test
  void rejectsBadNamesAndPrioritiesAndExplainsAMissingName() {
    FactoryRegistry<Factory> registry = new FactoryRegistry<>("load balancer");
    assertThatThrownBy(() -> registry.register(new Factory("RoundRobin", 5, true)))
        .hasMessageContaining("'RoundRobin' is not a canonical dotted name");
    assertThatThrownBy(() -> registry.register(new Factory("a.b", 11, true)))
        .hasMessageContaining("priority 11");
    registry.register(new Factory("bowline.lb.random", 5, true));
    assertThatThrownBy(() -> registry.require("bowline.lb.ring_hash"))
        .hasMessage("no load balancer named 'bowline.lb.ring_hash' is available; known: [bowline.lb.random]");
  }

  @Test
  void configOrErrorCarriesValueOrFieldErrors() {
    ConfigOrError<String> ok = new Factory("a.b", 5, true).parseConfig(Map.of());
    ConfigOrError<String> bad = new Factory("a.b", 5, true).parseConfig(Map.of("x", 1));
    assertThat(ok.isOk()).isTrue();
    assertThat(ok.map(String::length).value()).isEqualTo(2);
    assertThat(bad.isOk()).isFalse();
    assertThat(bad.describeErrors()).isEqualTo("x: unknown field");
    assertThatThrownBy(bad::value).hasMessageContaining("x: unknown field");
    assertThat(CanonicalName.isValid("bowline.lb.least_request")).isTrue();
    assertThat(CanonicalName.isValid("bowline")).isFalse();
    assertThat(CanonicalName.isValid("bowline.Lb")).isFalse();
  }
}
