package dev.bowline.plugins.lb.leastrequest;

import dev.bowline.spi.lb.testing.Proportions;
import dev.bowline.spi.lb.testing.TestHost;
import dev.bowline.spi.lb.testing.Allocations;
import dev.bowline.spi.lb.testing.ExcludingContext;
import dev.bowline.spi.lb.testing.Picks;
import static dev.bowline.spi.lb.testing.ExcludingContext.excluding;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.lb.Picker;
import dev.bowline.spi.lb.UpstreamHost;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PowerOfChoicesPickerTest {

  private static final int SAMPLES = 200_000;

  private static Picker picker(List<UpstreamHost> hosts, int choiceCount) {
    return new PowerOfChoicesPicker(hosts.toArray(new UpstreamHost[0]), choiceCount);
  }

  @Test
  void twoChoicesFindTheIdleHostFiveTimesInNine() {
    // The idle host loses only when both draws miss it: (2/3)^2 = 4/9.
    long[] counts = Picks.counts(picker(TestHost.loadedWith(10, 10, 0), 2), 3, SAMPLES);

    Proportions.assertMatches(counts, new double[] {2 / 9.0, 2 / 9.0, 5 / 9.0});
    Proportions.assertDoesNotMatch(counts, Proportions.uniform(3));
  }

  @Test
  void moreChoicesFindTheIdleHostAlmostAlways() {
    long[] counts = Picks.counts(picker(TestHost.loadedWith(10, 10, 0), 10), 3, SAMPLES);

    double missed = Math.pow(2 / 3.0, 10); // about 1.7%
    Proportions.assertMatches(counts, new double[] {missed / 2, missed / 2, 1 - missed});
  }

  @Test
  void theLeastLoadedOfTheDrawnHostsWins() {
    // Loads 0 < 1 < 2: host i wins when it is drawn and nothing less loaded is.
    long[] counts = Picks.counts(picker(TestHost.loadedWith(0, 1, 2), 2), 3, SAMPLES);

    Proportions.assertMatches(counts, new double[] {5 / 9.0, 3 / 9.0, 1 / 9.0});
  }

  @Test
  void idleHostsShareTrafficUniformly() {
    long[] counts = Picks.counts(picker(TestHost.loadedWith(0, 0, 0, 0, 0), 2), 5, SAMPLES);

    Proportions.assertMatches(counts, Proportions.uniform(5));
    Proportions.assertDoesNotMatch(counts, Proportions.sharesOf(1.1, 1, 1, 1, 1));
  }

  @Test
  void equallyLoadedHostsShareTrafficUniformly() {
    long[] counts = Picks.counts(picker(TestHost.loadedWith(7, 7, 7, 7), 3), 4, SAMPLES);

    Proportions.assertMatches(counts, Proportions.uniform(4));
  }

  @Test
  void aRetryNeverGoesToAnExcludedHost() {
    List<UpstreamHost> hosts = TestHost.loadedWith(10, 10, 0);

    long[] counts = Picks.counts(picker(hosts, 2), 3, SAMPLES, excluding(hosts.get(2)));

    assertThat(counts[2]).isZero();
    Proportions.assertMatches(counts, new double[] {0.5, 0.5, 0});
  }

  @Test
  void aRetryFindsTheOnlyAllowedHostEvenWhenDrawsMissIt() {
    List<UpstreamHost> hosts = TestHost.loadedWith(0, 0, 0, 0, 0, 0, 0, 0, 0, 50);
    Picker picker = picker(hosts, 2);
    PickContext retry = new ExcludingContext(Set.copyOf(hosts.subList(0, 9)));

    for (int i = 0; i < 1_000; i++) {
      assertThat(picker.pick(retry)).isSameAs(hosts.get(9));
    }
  }

  @Test
  void theFullScanOfARetryBreaksTiesAtRandom() {
    int[] active = new int[20];
    java.util.Arrays.fill(active, 5);
    List<UpstreamHost> hosts = TestHost.loadedWith(active);
    // Hosts 17, 18 and 19 are allowed and tied; both draws miss them 72% of the time, and then
    // the full scan must not favour the first of them.
    PickContext retry = new ExcludingContext(Set.copyOf(hosts.subList(0, 17)));

    long[] counts = Picks.counts(picker(hosts, 2), 20, SAMPLES, retry);

    double[] expected = new double[20];
    expected[17] = expected[18] = expected[19] = 1 / 3.0;
    Proportions.assertMatches(counts, expected);
  }

  @Test
  void whenEveryHostIsExcludedTheLeastLoadedIsReturned() {
    List<UpstreamHost> hosts = TestHost.loadedWith(4, 1, 9);
    Picker picker = picker(hosts, 2);
    PickContext retry = new ExcludingContext(Set.copyOf(hosts));

    for (int i = 0; i < 100; i++) {
      assertThat(picker.pick(retry)).isSameAs(hosts.get(1));
    }
  }

  @Test
  void picksDoNotAllocate() {
    List<UpstreamHost> hosts = TestHost.loadedWith(3, 0, 2, 8);
    Picker picker = picker(hosts, 2);

    assertThat(Allocations.bytesAllocatedBy(picker, PickContext.NONE, 100_000)).isLessThan(1_024);
    assertThat(Allocations.bytesAllocatedBy(picker, excluding(hosts.get(1)), 100_000))
        .isLessThan(1_024);
    PickContext allButOne = new ExcludingContext(Set.copyOf(hosts.subList(0, 3)));
    assertThat(Allocations.bytesAllocatedBy(picker, allButOne, 100_000)).isLessThan(1_024);
  }
}
