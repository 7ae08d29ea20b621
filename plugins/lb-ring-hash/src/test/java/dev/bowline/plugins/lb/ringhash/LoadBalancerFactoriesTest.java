package dev.bowline.plugins.lb.ringhash;

import static dev.bowline.plugins.lb.ringhash.HashKeyContext.key;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.spi.lb.LoadBalancer;
import dev.bowline.spi.lb.LoadBalancerFactory;
import dev.bowline.spi.lb.Picker;
import dev.bowline.spi.lb.UpstreamHost;
import dev.bowline.spi.lb.testing.TestHost;
import dev.bowline.spi.plugin.CanonicalName;
import dev.bowline.spi.plugin.ExtensionPointKind;
import dev.bowline.spi.plugin.ExtensionStatus;
import dev.bowline.spi.plugin.FactoryRegistry;
import dev.bowline.spi.plugin.SecurityPosture;
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

/** Both factories of the plugin: names, metadata, discovery by PF4J and use through a registry. */
class LoadBalancerFactoriesTest {

  private final RingHashLoadBalancerFactory ringHash = new RingHashLoadBalancerFactory();
  private final MaglevLoadBalancerFactory maglev = new MaglevLoadBalancerFactory();

  @Test
  void areNamedAfterEnvoysPolicies() {
    assertThat(ringHash.name()).isEqualTo("bowline.lb.ring_hash").isEqualTo(ringHash.toString());
    assertThat(maglev.name()).isEqualTo("bowline.lb.maglev").isEqualTo(maglev.toString());
    assertThat(CanonicalName.isValid(ringHash.name())).isTrue();
    assertThat(CanonicalName.isValid(maglev.name())).isTrue();
  }

  @Test
  void areLoadBalancerExtensionsThatPf4jCanFind() throws IOException {
    for (Class<?> type :
        List.of(RingHashLoadBalancerFactory.class, MaglevLoadBalancerFactory.class)) {
      assertThat(type.isAnnotationPresent(Extension.class)).as(type.getName()).isTrue();
      assertThat(ExtensionPointKind.of(type)).contains(ExtensionPointKind.LOAD_BALANCER);
    }
    // pf4j's annotation processor must have run (JDK 23+ skips processors on the class path).
    assertThat(extensionIndexEntries())
        .contains(
            RingHashLoadBalancerFactory.class.getName(), MaglevLoadBalancerFactory.class.getName());
  }

  @Test
  void describeThemselvesAsStableAndDataPlaneAgnostic() {
    for (LoadBalancerFactory<?> factory : List.of(ringHash, maglev)) {
      assertThat(factory.metadata().status()).isEqualTo(ExtensionStatus.STABLE);
      assertThat(factory.metadata().securityPosture())
          .isEqualTo(SecurityPosture.DATA_PLANE_AGNOSTIC);
      assertThat(factory.metadata().description()).isNotBlank().endsWith(".");
      assertThat(factory.isAvailable()).isTrue();
      assertThat(factory.priority()).isEqualTo(LoadBalancerFactory.DEFAULT_PRIORITY);
    }
  }

  @Test
  void registerBesideEachOtherAndBalanceByKey() {
    FactoryRegistry<LoadBalancerFactory<?>> registry = new FactoryRegistry<>("load balancer");
    registry.register(ringHash);
    registry.register(maglev);
    List<UpstreamHost> hosts = TestHost.even(5);

    Picker ring = newBalancer(registry.require("bowline.lb.ring_hash"),
        Map.of("minimumRingSize", 2048, "hashFunction", "MURMUR_HASH_2")).newPicker(hosts);
    Picker table = newBalancer(registry.require("bowline.lb.maglev"), Map.of("tableSize", 1021))
        .newPicker(hosts);

    assertThat(ring.pick(key(99))).isIn(hosts).isSameAs(ring.pick(key(99)));
    assertThat(table.pick(key(99))).isIn(hosts).isSameAs(table.pick(key(99)));
    assertThat(((ConsistentHashPicker) table).table().slots().size()).isEqualTo(1021);
    assertThat(((ConsistentHashPicker) ring).table().slots().size()).isEqualTo(2050);
  }

  private static <C> LoadBalancer newBalancer(LoadBalancerFactory<C> factory, Map<String, ?> raw) {
    return factory.newLoadBalancer(factory.parseConfig(raw).value(), null);
  }

  private static List<String> extensionIndexEntries() throws IOException {
    List<String> entries = new ArrayList<>();
    Enumeration<URL> indexes = RingHashLoadBalancerFactory.class.getClassLoader()
        .getResources("META-INF/extensions.idx");
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
