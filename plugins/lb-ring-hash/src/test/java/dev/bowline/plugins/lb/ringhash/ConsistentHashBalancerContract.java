package dev.bowline.plugins.lb.ringhash;

import static dev.bowline.plugins.lb.ringhash.HashKeyContext.key;
import static dev.bowline.plugins.lb.ringhash.HashKeyContext.keyExcluding;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.spi.lb.LoadBalancer;
import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.lb.Picker;
import dev.bowline.spi.lb.UpstreamHost;
import dev.bowline.spi.lb.testing.Allocations;
import dev.bowline.spi.lb.testing.ExcludingContext;
import dev.bowline.spi.lb.testing.TestHost;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What both consistent-hash balancers of this plugin promise, whatever their table: no host from
 * no hosts, the only host always, the key's own host when a retry excludes every host, and picks
 * that do not allocate. A balancer's test implements it to run these tests too.
 */
interface ConsistentHashBalancerContract {

  /** The balancer under test, in its default configuration. */
  LoadBalancer balancer();

  @Test
  default void anEmptyHostListGivesNoHost() {
    Picker picker = balancer().newPicker(List.of());

    assertThat(picker.pick(PickContext.NONE)).isNull();
    assertThat(picker.pick(key(42))).isNull();
  }

  @Test
  default void aSingleHostIsAlwaysPickedEvenWhenExcluded() {
    List<UpstreamHost> hosts = TestHost.even(1);
    Picker picker = balancer().newPicker(hosts);

    assertThat(picker.pick(PickContext.NONE)).isSameAs(hosts.get(0));
    assertThat(picker.pick(key(-5))).isSameAs(hosts.get(0));
    assertThat(picker.pick(keyExcluding(7, hosts.get(0)))).isSameAs(hosts.get(0));
  }

  @Test
  default void whenEveryHostIsExcludedTheKeysOwnHostIsReturned() {
    List<UpstreamHost> hosts = TestHost.even(4);
    Picker picker = balancer().newPicker(hosts);

    for (long k : KeySamples.keys(1_000, 4)) {
      assertThat(picker.pick(new HashKeyContext(k, Set.copyOf(hosts))))
          .isSameAs(picker.pick(key(k)));
    }
    assertThat(picker.pick(new ExcludingContext(Set.copyOf(hosts)))).isIn(hosts);
  }

  @Test
  default void picksDoNotAllocate() {
    List<UpstreamHost> hosts = TestHost.withWeights(1, 3, 1, 1, 2);
    Picker picker = balancer().newPicker(hosts);

    assertThat(Allocations.bytesAllocatedBy(picker, key(123_456_789L), 100_000)).isLessThan(1_024);
    assertThat(Allocations.bytesAllocatedBy(picker, PickContext.NONE, 100_000)).isLessThan(1_024);
    PickContext retry = keyExcluding(987_654_321L, hosts.get(0), hosts.get(1), hosts.get(3));
    assertThat(Allocations.bytesAllocatedBy(picker, retry, 100_000)).isLessThan(1_024);
  }
}
