package dev.bowline.plugins.lb.ringhash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bowline.spi.lb.UpstreamHost;
import dev.bowline.spi.lb.testing.TestHost;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Maglev table construction and lookup. The expected table was produced by a line-by-line C++
 * port of Envoy's {@code OriginalMaglevTable} over the reference xxHash library; test hosts are
 * {@code 10.0.0.<index + 1>:8080}.
 */
class MaglevTableTest {

  private static UpstreamHost[] hosts(int... weights) {
    return TestHost.withWeights(weights).toArray(new UpstreamHost[0]);
  }

  private static List<Integer> owners(MaglevTable table) {
    List<Integer> owners = new ArrayList<>();
    for (int slot = 0; slot < table.slots().size(); slot++) {
      owners.add(TestHost.indexOf(table.slots().owner(slot)));
    }
    return owners;
  }

  @Test
  void buildsEnvoysTableWithHostsTakenInOrderOfTheirAddresses() {
    // Listed out of address order (10.0.0.3, 10.0.0.1, 10.0.0.2) with weights 1, 3, 2.
    List<UpstreamHost> listed = List.of(
        new TestHost(2, 1), new TestHost(0, 3), new TestHost(1, 2));
    MaglevTable table = MaglevTable.build(listed.toArray(new UpstreamHost[0]), 31);

    // Envoy's table, by position in the list given: 0 is 10.0.0.3, 1 is 10.0.0.1, 2 is 10.0.0.2.
    int[] byListPosition = {1, 2, 1, 1, 2, 0, 1, 2, 2, 1, 2, 0, 0, 2, 1, 1, 2, 2, 1, 1, 2, 1, 1,
        1, 0, 1, 1, 1, 2, 2, 0};
    List<Integer> expected = new ArrayList<>();
    for (int position : byListPosition) {
      expected.add(TestHost.indexOf(listed.get(position)));
    }
    assertThat(owners(table)).isEqualTo(expected);
  }

  @Test
  void equalWeightsGiveEntryCountsThatDifferByAtMostOne() {
    MaglevTable table = MaglevTable.build(hosts(1, 1, 1, 1, 1, 1, 1), 65_537);

    for (int h = 0; h < 7; h++) {
      assertThat(table.slots().slotCount(h)).isBetween(65_537 / 7, 65_537 / 7 + 1);
    }
  }

  @Test
  void weightsSetTheEntryCounts() {
    MaglevTable table = MaglevTable.build(hosts(1, 3), 65_537);

    // Host 0 takes a turn every third round, host 1 every round: 1 : 3 within a turn.
    assertThat(table.slots().slotCount(0)).isBetween(16_383, 16_385);
    assertThat(table.slots().slotCount(1)).isBetween(49_152, 49_154);
  }

  @Test
  void aSingleHostOwnsTheWholeTable() {
    MaglevTable table = MaglevTable.build(hosts(5), 7);

    assertThat(owners(table)).containsOnly(0).hasSize(7);
  }

  @Test
  void aTableSmallerThanTheHostSetLeavesSomeHostsOut() {
    MaglevTable table = MaglevTable.build(hosts(1, 1, 1, 1, 1), 3);

    assertThat(owners(table)).hasSize(3).doesNotHaveDuplicates();
  }

  @Test
  void aHashMapsToItsRemainderReadUnsigned() {
    MaglevTable table = MaglevTable.build(hosts(1, 2, 3), 251);

    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < 10_000; i++) {
      long hash = random.nextLong();
      assertThat(table.slotFor(hash)).isEqualTo(Long.remainderUnsigned(hash, 251));
    }
    assertThat(table.slotFor(-1L)).isEqualTo((int) Long.remainderUnsigned(-1L, 251));
    assertThat(table.slotFor(251L * 3 + 4)).isEqualTo(4);
  }

  @Test
  void rejectsNoHostsAndSizesThatAreNotPrime() {
    assertThatThrownBy(() -> MaglevTable.build(new UpstreamHost[0], 7))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MaglevTable.build(hosts(1), 8))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not prime");
  }
}
