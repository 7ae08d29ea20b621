package dev.bowline.plugins.lb.ringhash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.lb.UpstreamHost;
import dev.bowline.spi.lb.testing.ExcludingContext;
import dev.bowline.spi.lb.testing.TestHost;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HostSlotsTest {

  private static UpstreamHost[] hosts(int... weights) {
    return TestHost.withWeights(weights).toArray(new UpstreamHost[0]);
  }

  /** The walk as specified: slot after slot, going round, the first owner not excluded. */
  private static UpstreamHost walk(HostSlots slots, int home, PickContext context) {
    for (int step = 0; step < slots.size(); step++) {
      UpstreamHost owner = slots.owner((home + step) % slots.size());
      if (!context.isExcluded(owner)) {
        return owner;
      }
    }
    return slots.owner(home);
  }

  /** Random exclusion sets of every size, from a fixed seed. */
  private static void assertPicksMatchTheWalk(HostSlots slots, UpstreamHost[] hosts, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int trial = 0; trial < 3_000; trial++) {
      Set<UpstreamHost> excluded = new HashSet<>();
      int count = random.nextInt(hosts.length + 1);
      while (excluded.size() < count) {
        excluded.add(hosts[random.nextInt(hosts.length)]);
      }
      ExcludingContext context = new ExcludingContext(Set.copyOf(excluded));
      int home = random.nextInt(slots.size());

      assertThat(slots.pick(home, context))
          .as("home %s excluding %s", home, excluded)
          .isSameAs(walk(slots, home, context));
    }
  }

  @Test
  void retriesOnARingPickWhatWalkingForwardFinds() {
    UpstreamHost[] hosts = hosts(1, 2, 3, 1, 1, 5, 1);
    HostSlots slots = HashRing.build(hosts, RingHashConfig.DEFAULT).slots();

    assertPicksMatchTheWalk(slots, hosts, 1);
  }

  @Test
  void retriesInAMaglevTablePickWhatWalkingForwardFinds() {
    UpstreamHost[] hosts = hosts(1, 1, 1, 1, 2, 2, 3);
    HostSlots slots = MaglevTable.build(hosts, 251).slots();

    assertPicksMatchTheWalk(slots, hosts, 2);
  }

  @Test
  void longRunsOfAnExcludedHeavyHostAreCrossedWithoutWalkingThem() {
    // The heavy host owns runs of about 2,500 entries, far beyond the short walk: the per-host
    // search must find the same host that walking the whole run would.
    UpstreamHost[] hosts = hosts(1, 1, 5_000);
    HostSlots slots = HashRing.build(hosts, RingHashConfig.DEFAULT).slots();
    ExcludingContext heavyExcluded = ExcludingContext.excluding(hosts[2]);

    int beyondShortWalk = 0;
    for (int home = 0; home < slots.size(); home += 7) {
      assertThat(slots.pick(home, heavyExcluded)).isSameAs(walk(slots, home, heavyExcluded));
      int distance = 0;
      while (slots.owner((home + distance) % slots.size()) == hosts[2]) {
        distance++;
      }
      beyondShortWalk += distance > HostSlots.SHORT_WALK ? 1 : 0;
    }
    assertThat(beyondShortWalk).as("homes whose answer lies beyond the short walk").isPositive();
    assertPicksMatchTheWalk(slots, hosts, 3);
  }

  @Test
  void withoutExclusionsTheHomeOwnerIsPicked() {
    UpstreamHost[] hosts = hosts(1, 1, 1);
    HostSlots slots = new HostSlots(hosts, new int[] {2, 0, 1, 1, 0});

    for (int home = 0; home < 5; home++) {
      assertThat(slots.pick(home, PickContext.NONE)).isSameAs(slots.owner(home));
    }
    assertThat(slots.owner(0)).isSameAs(hosts[2]);
  }

  @Test
  void theNextAllowedOwnerWinsGoingRound() {
    UpstreamHost[] hosts = hosts(1, 1, 1);
    HostSlots slots = new HostSlots(hosts, new int[] {2, 0, 1, 1, 0});

    assertThat(slots.pick(4, ExcludingContext.excluding(hosts[0]))).isSameAs(hosts[2]);
    assertThat(slots.pick(4, ExcludingContext.excluding(hosts[0], hosts[2]))).isSameAs(hosts[1]);
    assertThat(slots.pick(2, ExcludingContext.excluding(hosts[1]))).isSameAs(hosts[0]);
  }

  @Test
  void whenEveryHostIsExcludedTheHomeOwnerIsReturned() {
    UpstreamHost[] hosts = hosts(1, 1, 1);
    HostSlots slots = new HostSlots(hosts, new int[] {2, 0, 1, 1, 0});
    ExcludingContext all = new ExcludingContext(Set.of(hosts));

    for (int home = 0; home < 5; home++) {
      assertThat(slots.pick(home, all)).isSameAs(slots.owner(home));
    }
  }

  @Test
  void aHostWithoutSlotsIsNeverPicked() {
    UpstreamHost[] hosts = hosts(1, 1, 1);
    HostSlots slots = new HostSlots(hosts, new int[] {0, 1, 0, 1});

    assertThat(slots.slotCount(2)).isZero();
    assertThat(slots.pick(0, ExcludingContext.excluding(hosts[0], hosts[1])))
        .as("only the slot-less host is allowed: the home owner is returned")
        .isSameAs(hosts[0]);
  }

  @Test
  void needsASlot() {
    assertThatThrownBy(() -> new HostSlots(hosts(1), new int[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
