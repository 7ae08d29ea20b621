package dev.bowline.plugins.lb.ringhash;

import static dev.bowline.plugins.lb.ringhash.HashKeyContext.key;
import static dev.bowline.plugins.lb.ringhash.HashKeyContext.keyExcluding;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.bowline.spi.lb.Picker;
import dev.bowline.spi.lb.UpstreamHost;
import dev.bowline.spi.lb.testing.Picks;
import dev.bowline.spi.lb.testing.Proportions;
import dev.bowline.spi.lb.testing.TestHost;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MaglevLoadBalancerTest implements ConsistentHashBalancerContract {

  private static final long[] KEYS = KeySamples.keys(200_000, 42);

  private final MaglevLoadBalancer balancer = new MaglevLoadBalancer(MaglevConfig.DEFAULT);

  @Override
  public MaglevLoadBalancer balancer() {
    return balancer;
  }

  private static MaglevTable tableOf(Picker picker) {
    return (MaglevTable) ((ConsistentHashPicker) picker).table();
  }

  @Test
  void aKeyMapsToTheEntryAtItsRemainder() {
    Picker picker = balancer.newPicker(TestHost.withWeights(1, 2, 3));
    MaglevTable table = tableOf(picker);

    for (long k : KeySamples.keys(5_000, 1)) {
      assertThat(picker.pick(key(k)))
          .isSameAs(table.slots().owner((int) Long.remainderUnsigned(k, 65_537)));
    }
  }

  @Test
  void theTableSizeIsConfigurable() {
    Picker picker = new MaglevLoadBalancer(new MaglevConfig(251)).newPicker(TestHost.even(3));

    assertThat(tableOf(picker).slots().size()).isEqualTo(251);
  }

  @Test
  void theHostOrderDoesNotMatter() {
    List<UpstreamHost> hosts = TestHost.withWeights(1, 2, 3, 1);
    List<UpstreamHost> reversed = new ArrayList<>(hosts);
    java.util.Collections.reverse(reversed);

    assertThat(KeySamples.owners(balancer.newPicker(reversed), KEYS))
        .isEqualTo(KeySamples.owners(balancer.newPicker(hosts), KEYS));
  }

  @Test
  void equalHostsGetEqualSharesOfTheKeys() {
    double[] shares =
        KeySamples.shares(KeySamples.owners(balancer.newPicker(TestHost.even(10)), KEYS), 10);

    for (double share : shares) {
      assertThat(share).isCloseTo(0.1, within(0.004));
    }
  }

  @Test
  void sharesFollowTheWeights() {
    double[] oneToThree = KeySamples.shares(
        KeySamples.owners(balancer.newPicker(TestHost.withWeights(1, 3)), KEYS), 2);
    assertThat(oneToThree).containsExactly(new double[] {0.25, 0.75}, within(0.005));

    double[] mixed = KeySamples.shares(
        KeySamples.owners(balancer.newPicker(TestHost.withWeights(1, 3, 1, 3)), KEYS), 4);
    assertThat(mixed).containsExactly(new double[] {0.125, 0.375, 0.125, 0.375}, within(0.005));
  }

  @Test
  void withoutAHashKeyAHostIsDrawnAtRandomInProportionToItsEntries() {
    Picker picker = balancer.newPicker(TestHost.withWeights(1, 3, 2));
    HostSlots slots = tableOf(picker).slots();

    long[] counts = Picks.counts(picker, 3, 300_000);

    double[] entryShares = new double[3];
    for (int h = 0; h < 3; h++) {
      entryShares[h] = slots.slotCount(h) / (double) slots.size();
    }
    Proportions.assertMatches(counts, entryShares);
    Proportions.assertMatches(counts, Proportions.sharesOf(1, 3, 2));
    Proportions.assertDoesNotMatch(counts, Proportions.uniform(3));
  }

  @Test
  void addingOrRemovingOneHostMovesAboutItsShareOfTheKeys() {
    for (int n : new int[] {3, 10, 50}) {
      List<UpstreamHost> hosts = TestHost.even(n + 1);
      List<UpstreamHost> without = new ArrayList<>(hosts);
      UpstreamHost removed = without.remove(n / 2);
      UpstreamHost[] all = KeySamples.owners(balancer.newPicker(hosts), KEYS);
      UpstreamHost[] fewer = KeySamples.owners(balancer.newPicker(without), KEYS);
      UpstreamHost[] first = KeySamples.owners(balancer.newPicker(hosts.subList(0, n)), KEYS);

      double ideal = 1.0 / (n + 1);
      assertThat(KeySamples.movedFraction(all, fewer)).as("remove one of %s", n + 1)
          .isBetween(ideal * 0.95, ideal * 1.3);
      assertThat(KeySamples.movedFraction(first, all)).as("add one to %s", n)
          .isBetween(ideal * 0.95, ideal * 1.3);
      int keptButMoved = 0;
      int kept = 0;
      for (int i = 0; i < KEYS.length; i++) {
        if (all[i] != removed) {
          kept++;
          keptButMoved += fewer[i] != all[i] ? 1 : 0;
        }
        if (all[i] == removed) {
          assertThat(fewer[i]).isNotSameAs(removed);
        }
      }
      assertThat(keptButMoved / (double) kept)
          .as("keys of the other hosts that moved, of %s", n + 1)
          .isLessThan(ideal * 0.3);
    }
  }

  @Test
  void aLargerTableMovesFewerKeysOfTheOtherHosts() {
    List<UpstreamHost> hosts = TestHost.even(20);
    List<UpstreamHost> without = hosts.subList(1, 20);
    double small = otherKeysMoved(new MaglevLoadBalancer(new MaglevConfig(251)), hosts, without);
    double large =
        otherKeysMoved(new MaglevLoadBalancer(new MaglevConfig(1_000_003)), hosts, without);

    assertThat(large).isLessThan(small);
  }

  private static double otherKeysMoved(
      MaglevLoadBalancer balancer, List<UpstreamHost> before, List<UpstreamHost> after) {
    UpstreamHost[] was = KeySamples.owners(balancer.newPicker(before), KEYS);
    UpstreamHost[] is = KeySamples.owners(balancer.newPicker(after), KEYS);
    int moved = 0;
    for (int i = 0; i < KEYS.length; i++) {
      moved += after.contains(was[i]) && was[i] != is[i] ? 1 : 0;
    }
    return moved / (double) KEYS.length;
  }

  @Test
  void aRetryGoesToTheHostOfTheNextEntry() {
    List<UpstreamHost> hosts = TestHost.withWeights(1, 2, 1, 3);
    Picker picker = balancer.newPicker(hosts);
    HostSlots slots = tableOf(picker).slots();

    for (long k : KeySamples.keys(5_000, 3)) {
      UpstreamHost first = picker.pick(key(k));
      int slot = (int) Long.remainderUnsigned(k, slots.size());
      while (slots.owner(slot) == first) {
        slot = (slot + 1) % slots.size();
      }

      assertThat(picker.pick(keyExcluding(k, first))).isSameAs(slots.owner(slot));
    }
  }
}
