package dev.bowline.plugins.lb.leastrequest;

import dev.bowline.spi.lb.testing.TestHost;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.spi.lb.LoadBalancer;
import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.plugin.CanonicalName;
import dev.bowline.spi.plugin.ExtensionPointKind;
import dev.bowline.spi.plugin.ExtensionStatus;
import dev.bowline.spi.plugin.FactoryRegistry;
import dev.bowline.spi.plugin.SecurityPosture;
import dev.bowline.spi.lb.LoadBalancerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pf4j.Extension;

class LeastRequestLoadBalancerFactoryTest {

  private final LeastRequestLoadBalancerFactory factory = new LeastRequestLoadBalancerFactory();

  @Test
  void isNamedBowlineLbLeastRequest() {
    assertThat(factory.name()).isEqualTo("bowline.lb.least_request");
    assertThat(CanonicalName.isValid(factory.name())).isTrue();
  }

  @Test
  void isALoadBalancerExtensionThatPf4jCanFind() throws IOException {
    assertThat(LeastRequestLoadBalancerFactory.class.isAnnotationPresent(Extension.class)).isTrue();
    assertThat(ExtensionPointKind.of(LeastRequestLoadBalancerFactory.class))
        .contains(ExtensionPointKind.LOAD_BALANCER);
    // pf4j's annotation processor must have run (JDK 23+ skips processors on the class path).
    assertThat(extensionIndexEntries()).contains(LeastRequestLoadBalancerFactory.class.getName());
  }

  @Test
  void describesItselfAsStableAndDataPlaneAgnostic() {
    assertThat(factory.metadata().status()).isEqualTo(ExtensionStatus.STABLE);
    assertThat(factory.metadata().securityPosture()).isEqualTo(SecurityPosture.DATA_PLANE_AGNOSTIC);
    assertThat(factory.metadata().description()).isNotBlank().endsWith(".");
  }

  @Test
  void registersBesideTheBuiltinsAndBalances() {
    FactoryRegistry<LoadBalancerFactory<?>> registry = new FactoryRegistry<>("load balancer");
    registry.register(factory);

    LoadBalancerFactory<?> found = registry.require("bowline.lb.least_request");
    LoadBalancer balancer = newBalancer(found, Map.of("choiceCount", 3));

    assertThat(balancer.newPicker(TestHost.loadedWith(4, 0, 4)).pick(PickContext.NONE)).isNotNull();
  }

  private static <C> LoadBalancer newBalancer(LoadBalancerFactory<C> factory, Map<String, ?> raw) {
    return factory.newLoadBalancer(factory.parseConfig(raw).value(), null);
  }

  private static List<String> extensionIndexEntries() throws IOException {
    List<String> entries = new ArrayList<>();
    Enumeration<URL> indexes =
        LeastRequestLoadBalancerFactory.class.getClassLoader().getResources("META-INF/extensions.idx");
    while (indexes.hasMoreElements()) {
      try (InputStream in = indexes.nextElement().openStream()) {
        for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\\R")) {
          if (!line.isBlank() && !line.startsWith("#")) {
            entries.add(line.trim());
          }
        }
      }
    }
    return entries;
  }
}
