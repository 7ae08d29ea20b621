package dev.bowline.plugins.lb.ringhash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bowline.spi.lb.UpstreamHost;
import dev.bowline.spi.lb.testing.TestHost;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Ring construction and lookup. The expected rings were produced by a line-by-line C++ port of
 * Envoy's {@code RingHashLoadBalancer::Ring} constructor over the reference xxHash library and
 * libstdc++'s {@code std::hash}; test hosts are {@code 10.0.0.<index + 1>:8080}.
 */
class HashRingTest {

  private static UpstreamHost[] hosts(int... weights) {
    return TestHost.withWeights(weights).toArray(new UpstreamHost[0]);
  }

  private static RingHashConfig config(int min, int max, HashFunction function) {
    return new RingHashConfig(min, max, function);
  }

  /** "hash owner" lines, one per entry in ring order, hashes unsigned decimal. */
  private static List<String> entries(HashRing ring) {
    List<String> entries = new ArrayList<>();
    for (int slot = 0; slot < ring.slots().size(); slot++) {
      entries.add(Long.toUnsignedString(ring.hashAt(slot)) + " "
          + TestHost.indexOf(ring.slots().owner(slot)));
    }
    return entries;
  }

  @Test
  void buildsEnvoysRingWithXxHash() {
    HashRing ring = HashRing.build(hosts(1, 2, 1), config(8, 8_388_608, HashFunction.XX_HASH));

    assertThat(entries(ring)).containsExactly(
        "478800714317889831 1",
        "2397769271029555152 1",
        "2567785056460330147 0",
        "4062465251142829806 2",
        "7248792770306198387 1",
        "14884981783557475022 1",
        "15080023225596850627 2",
        "16621891374891883164 0");
  }

  @Test
  void buildsEnvoysRingWithMurmurHash2() {
    HashRing ring =
        HashRing.build(hosts(1, 2, 1), config(8, 8_388_608, HashFunction.MURMUR_HASH_2));

    assertThat(entries(ring)).containsExactly(
        "2809561832552530308 0",
        "2887472326060304709 0",
        "4139087004545366574 1",
        "6744366269721163996 1",
        "8162873152762044875 1",
        "9461654629739567316 2",
        "16246797450996670939 2",
        "16961777817320233849 1");
  }

  @Test
  void aCappedRingSharesFractionalEntriesByRunningSums() {
    // Envoy's own example: four equal hosts and a maximum of 6 give 1.5 entries each: 2, 1, 2, 1
    // (unconstrained, the minimum of 6 would ask for 2 each).
    HashRing ring = HashRing.build(hosts(1, 1, 1, 1), config(6, 6, HashFunction.XX_HASH));

    assertThat(entries(ring)).containsExactly(
        "478800714317889831 1",
        "2567785056460330147 0",
        "4062465251142829806 2",
        "15080023225596850627 2",
        "15630708277232776922 3",
        "16621891374891883164 0");
  }

  @Test
  void entryIOfAHostSitsAtTheHashOfItsAddressAndI() {
    HashRing ring = HashRing.build(hosts(1, 1), config(4, 100, HashFunction.XX_HASH));

    List<Long> expected = new ArrayList<>();
    for (String key : List.of("10.0.0.1:8080_0", "10.0.0.1:8080_1", "10.0.0.2:8080_0",
        "10.0.0.2:8080_1")) {
      byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
      expected.add(XxHash64.hash(bytes, bytes.length, 0));
    }
    expected.sort(Long::compareUnsigned);
    List<Long> actual = new ArrayList<>();
    for (int slot = 0; slot < ring.slots().size(); slot++) {
      actual.add(ring.hashAt(slot));
    }
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void equalWeightsGiveEqualEntryCountsAndTheLeastWeightedHostAWholeNumber() {
    HashRing equal = HashRing.build(hosts(1, 1, 1, 1, 1, 1, 1, 1, 1, 1), RingHashConfig.DEFAULT);
    assertThat(equal.slots().size()).isEqualTo(1030); // ceil(1024 / 10) = 103 entries each
    for (int h = 0; h < 10; h++) {
      assertThat(equal.slots().slotCount(h)).isEqualTo(103);
    }

    HashRing weighted = HashRing.build(hosts(1, 3), RingHashConfig.DEFAULT);
    assertThat(weighted.slots().slotCount(0)).isEqualTo(256);
    assertThat(weighted.slots().slotCount(1)).isEqualTo(768);

    HashRing skewed = HashRing.build(hosts(1, 1000), RingHashConfig.DEFAULT);
    assertThat(skewed.slots().slotCount(0)).isEqualTo(2); // ceil(1024 / 1001) = 2
    assertThat(skewed.slots().slotCount(1)).isEqualTo(2000);
  }

  @Test
  void theMaximumCapsTheRing() {
    // The minimum asks for ceil(2048 / 1001) = 3 entries for the light host, 3003 in all; capped at
    // 2048, the light host's share is 2.05 entries, which the running sum rounds up to 3, and the
    // heavy host gets the rest (the C++ port agrees).
    HashRing ring = HashRing.build(hosts(1, 1000), config(2048, 2048, HashFunction.XX_HASH));

    assertThat(ring.slots().size()).isEqualTo(2048);
    assertThat(ring.slots().slotCount(0)).isEqualTo(3);
    assertThat(ring.slots().slotCount(1)).isEqualTo(2045);
  }

  @Test
  void runningSumsInDoublePrecisionMayAddOneEntryBeyondTheMaximumAsInEnvoy() {
    // 1000 * (1/1001) + 1000 * (1000/1001) rounds to just above 1000: Envoy's ring has 1001
    // entries.
    HashRing ring = HashRing.build(hosts(1, 1000), config(1000, 1000, HashFunction.XX_HASH));

    assertThat(ring.slots().slotCount(0)).isEqualTo(1);
    assertThat(ring.slots().slotCount(1)).isEqualTo(1000);
  }

  @Test
  void aRingSmallerThanTheHostSetLeavesSomeHostsOut() {
    HashRing ring = HashRing.build(hosts(1, 1, 1, 1, 1), config(1, 2, HashFunction.XX_HASH));

    assertThat(ring.slots().size()).isEqualTo(2);
    int withEntries = 0;
    for (int h = 0; h < 5; h++) {
      withEntries += ring.slots().slotCount(h) > 0 ? 1 : 0;
    }
    assertThat(withEntries).isEqualTo(2);
  }

  @Test
  void largeRingsAreSortedUnsigned() {
    HashRing ring =
        HashRing.build(hosts(1, 2, 3, 4, 5), config(200_000, 8_388_608, HashFunction.XX_HASH));

    assertThat(ring.slots().size()).isGreaterThanOrEqualTo(200_000);
    for (int slot = 1; slot < ring.slots().size(); slot++) {
      assertThat(Long.compareUnsigned(ring.hashAt(slot - 1), ring.hashAt(slot))).isLessThan(1);
    }
  }

  @Test
  void aHashMapsToTheFirstEntryAtOrAfterItGoingRound() {
    HashRing ring = HashRing.build(hosts(1, 2, 3), config(64, 64, HashFunction.XX_HASH));
    int size = ring.slots().size();

    List<Long> probes = new ArrayList<>(List.of(0L, -1L, 1L, Long.MIN_VALUE, Long.MAX_VALUE));
    for (int slot = 0; slot < size; slot++) {
      probes.add(ring.hashAt(slot));
      probes.add(ring.hashAt(slot) + 1);
      probes.add(ring.hashAt(slot) - 1);
    }
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 10_000; i++) {
      probes.add(random.nextLong());
    }
    for (long hash : probes) {
      int expected = 0; // first entry >= hash, by a linear scan; none: wrap to the first
      while (expected < size && Long.compareUnsigned(ring.hashAt(expected), hash) < 0) {
        expected++;
      }
      assertThat(ring.slotFor(hash))
          .as("hash %s", Long.toUnsignedString(hash))
          .isEqualTo(expected == size ? 0 : expected);
    }
  }

  @Test
  void needsAHost() {
    assertThatThrownBy(() -> HashRing.build(new UpstreamHost[0], RingHashConfig.DEFAULT))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
