package dev.bowline.plugins.lb.ringhash;

import static dev.bowline.plugins.lb.ringhash.HashKeyContext.key;
import static dev.bowline.plugins.lb.ringhash.HashKeyContext.keyExcluding;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.bowline.spi.lb.Picker;
import dev.bowline.spi.lb.UpstreamHost;
import dev.bowline.spi.lb.testing.ExcludingContext;
import dev.bowline.spi.lb.testing.Picks;
import dev.bowline.spi.lb.testing.Proportions;
import dev.bowline.spi.lb.testing.TestHost;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RingHashLoadBalancerTest implements ConsistentHashBalancerContract {

  private static final long[] KEYS = KeySamples.keys(200_000, 42);

  private final RingHashLoadBalancer balancer = new RingHashLoadBalancer(RingHashConfig.DEFAULT);

  @Override
  public RingHashLoadBalancer balancer() {
    return balancer;
  }

  private static RingHashLoadBalancer withMinimumRing(int size) {
    return new RingHashLoadBalancer(
        new RingHashConfig(size, RingHashConfig.MAX_RING_SIZE, HashFunction.XX_HASH));
  }

  private static HashRing ringOf(Picker picker) {
    return (HashRing) ((ConsistentHashPicker) picker).table();
  }

  @Test
  void aKeyMapsToTheHostOfTheFirstRingEntryAtOrAfterIt() {
    Picker picker = balancer.newPicker(TestHost.withWeights(1, 2, 3));
    HashRing ring = ringOf(picker);

    for (long k : KeySamples.keys(5_000, 1)) {
      assertThat(picker.pick(key(k))).isSameAs(ring.slots().owner(ring.slotFor(k)));
    }
    assertThat(picker.pick(key(ring.hashAt(5)))).isSameAs(ring.slots().owner(5));
  }

  @Test
  void theSameKeyGetsTheSameHostFromEveryPickerOverTheSameHosts() {
    List<UpstreamHost> hosts = TestHost.even(7);

    UpstreamHost[] first = KeySamples.owners(balancer.newPicker(hosts), KEYS);
    UpstreamHost[] again = KeySamples.owners(balancer.newPicker(hosts), KEYS);
    UpstreamHost[] otherBalancer =
        KeySamples.owners(new RingHashLoadBalancer(RingHashConfig.DEFAULT).newPicker(hosts), KEYS);

    assertThat(again).isEqualTo(first);
    assertThat(otherBalancer).isEqualTo(first);
  }

  @Test
  void equalHostsGetEqualSharesOfTheKeys() {
    double[] shares = KeySamples.shares(KeySamples.owners(balancer.newPicker(TestHost.even(10)),
        KEYS), 10);

    // 103 entries each: a host's arc varies by about 10%; a larger ring evens it out.
    for (double share : shares) {
      assertThat(share).isCloseTo(0.1, within(0.02));
    }
    Picker large = withMinimumRing(100_000).newPicker(TestHost.even(10));
    for (double arc : arcShares(ringOf(large), 10)) {
      assertThat(arc).isCloseTo(0.1, within(0.0025));
    }
    for (double share : KeySamples.shares(KeySamples.owners(large, KEYS), 10)) {
      assertThat(share).isCloseTo(0.1, within(0.005));
    }
  }

  @Test
  void sharesFollowTheWeights() {
    double[] oneToThree = KeySamples.shares(
        KeySamples.owners(balancer.newPicker(TestHost.withWeights(1, 3)), KEYS), 2);
    assertThat(oneToThree[0]).isCloseTo(0.25, within(0.025));
    assertThat(oneToThree[1]).isCloseTo(0.75, within(0.025));

    double[] mixed = KeySamples.shares(KeySamples.owners(
        withMinimumRing(100_000).newPicker(TestHost.withWeights(1, 3, 1, 3)), KEYS), 4);
    assertThat(mixed).containsExactly(new double[] {0.125, 0.375, 0.125, 0.375}, within(0.005));
  }

  @Test
  void withoutAHashKeyAHostIsDrawnAtRandomInProportionToItsShareOfTheRing() {
    Picker picker = balancer.newPicker(TestHost.withWeights(1, 3, 2));

    long[] counts = Picks.counts(picker, 3, 300_000);

    Proportions.assertMatches(counts, arcShares(ringOf(picker), 3));
    Proportions.assertDoesNotMatch(counts, Proportions.uniform(3));
  }

  @Test
  void addingAHostThatLeavesTheOthersEntriesAloneMovesKeysOnlyToIt() {
    // 32 and 33 equal hosts both get ceil(1024 / n) = 32 entries each: the old entries all stay.
    List<UpstreamHost> hosts = TestHost.even(33);
    UpstreamHost[] before = KeySamples.owners(balancer.newPicker(hosts.subList(0, 32)), KEYS);
    UpstreamHost[] after = KeySamples.owners(balancer.newPicker(hosts), KEYS);

    for (int i = 0; i < KEYS.length; i++) {
      if (before[i] != after[i]) {
        assertThat(after[i]).isSameAs(hosts.get(32));
      }
    }
    assertThat(KeySamples.movedFraction(before, after)).isCloseTo(1.0 / 33, within(0.5 / 33));
  }

  @Test
  void removingAHostThatLeavesTheOthersEntriesAloneMovesOnlyItsKeys() {
    List<UpstreamHost> hosts = TestHost.even(33);
    List<UpstreamHost> without = new ArrayList<>(hosts);
    UpstreamHost removed = without.remove(16);
    UpstreamHost[] before = KeySamples.owners(balancer.newPicker(hosts), KEYS);
    UpstreamHost[] after = KeySamples.owners(balancer.newPicker(without), KEYS);

    for (int i = 0; i < KEYS.length; i++) {
      assertThat(before[i] != after[i]).isEqualTo(before[i] == removed);
    }
    assertThat(KeySamples.movedFraction(before, after)).isCloseTo(1.0 / 33, within(0.5 / 33));
  }

  @Test
  void aHostChangeThatResizesEveryHostsEntriesMovesLessThanTwiceTheIdealShare() {
    // From 10 to 11 hosts each host goes from 103 to 94 entries (the ring keeps about 1024), so
    // keys move off the dropped entries too, as in Envoy: about 1.7 times the ideal 1/11.
    List<UpstreamHost> hosts = TestHost.even(11);
    List<UpstreamHost> without = new ArrayList<>(hosts);
    UpstreamHost removed = without.remove(5);
    UpstreamHost[] eleven = KeySamples.owners(balancer.newPicker(hosts), KEYS);
    UpstreamHost[] ten = KeySamples.owners(balancer.newPicker(without), KEYS);
    UpstreamHost[] tenFirst = KeySamples.owners(balancer.newPicker(hosts.subList(0, 10)), KEYS);

    assertThat(KeySamples.movedFraction(eleven, ten)).isBetween(1.0 / 11, 2.0 / 11);
    assertThat(KeySamples.movedFraction(tenFirst, eleven)).isBetween(0.5 / 11, 2.0 / 11);
    for (int i = 0; i < KEYS.length; i++) {
      if (eleven[i] == removed) {
        assertThat(ten[i]).isNotSameAs(removed);
      }
    }
  }

  @Test
  void aRetryGoesToTheNextHostAlongTheRing() {
    List<UpstreamHost> hosts = TestHost.withWeights(1, 2, 1, 3);
    Picker picker = balancer.newPicker(hosts);
    HashRing ring = ringOf(picker);

    for (long k : KeySamples.keys(5_000, 3)) {
      UpstreamHost first = picker.pick(key(k));
      int slot = ring.slotFor(k);
      while (ring.slots().owner(slot) == first) {
        slot = (slot + 1) % ring.slots().size();
      }

      UpstreamHost retry = picker.pick(keyExcluding(k, first));
      assertThat(retry).isSameAs(ring.slots().owner(slot));
      assertThat(picker.pick(keyExcluding(k, first))).as("deterministic").isSameAs(retry);
    }
  }

  @Test
  void aRetryWithoutAHashKeyAvoidsTheExcludedHost() {
    List<UpstreamHost> hosts = TestHost.even(3);
    Picker picker = balancer.newPicker(hosts);

    long[] counts = Picks.counts(picker, 3, 30_000, ExcludingContext.excluding(hosts.get(1)));

    assertThat(counts[1]).isZero();
    assertThat(counts[0]).isPositive();
    assertThat(counts[2]).isPositive();
  }

  @Test
  void theHashFunctionChoosesWhereHostsSit() {
    List<UpstreamHost> hosts = TestHost.even(5);
    RingHashLoadBalancer murmur = new RingHashLoadBalancer(
        new RingHashConfig(1024, RingHashConfig.MAX_RING_SIZE, HashFunction.MURMUR_HASH_2));

    double moved = KeySamples.movedFraction(
        KeySamples.owners(balancer.newPicker(hosts), KEYS),
        KeySamples.owners(murmur.newPicker(hosts), KEYS));

    assertThat(moved).as("unrelated rings agree on about 1 key in 5").isBetween(0.7, 0.9);
  }

  /** Each host's share of the hash space: entry i owns the arc from entry i-1 (exclusive). */
  static double[] arcShares(HashRing ring, int hosts) {
    double[] shares = new double[hosts];
    int size = ring.slots().size();
    for (int slot = 0; slot < size; slot++) {
      long from = slot == 0 ? ring.hashAt(size - 1) : ring.hashAt(slot - 1);
      long arc = ring.hashAt(slot) - from; // unsigned difference, going round for entry 0
      double length = arc >= 0 ? arc : arc + 0x1p64;
      shares[TestHost.indexOf(ring.slots().owner(slot))] += length / 0x1p64;
    }
    return shares;
  }
}
