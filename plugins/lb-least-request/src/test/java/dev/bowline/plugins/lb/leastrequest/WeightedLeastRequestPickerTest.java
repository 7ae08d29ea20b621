package dev.bowline.plugins.lb.leastrequest;

import dev.bowline.spi.lb.testing.Proportions;
import dev.bowline.spi.lb.testing.TestHost;
import dev.bowline.spi.lb.testing.Allocations;
import dev.bowline.spi.lb.testing.ExcludingContext;
import dev.bowline.spi.lb.testing.Picks;
import static dev.bowline.spi.lb.testing.ExcludingContext.excluding;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.lb.Picker;
import dev.bowline.spi.lb.UpstreamHost;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WeightedLeastRequestPickerTest {

  private static final int SAMPLES = 200_000;
  private static final int[] WEIGHTS = {1, 2, 3, 4};

  private static WeightedLeastRequestPicker picker(
      List<UpstreamHost> hosts, int choiceCount, double bias) {
    int[] weights = hosts.stream().mapToInt(UpstreamHost::weight).toArray();
    return new WeightedLeastRequestPicker(
        hosts.toArray(new UpstreamHost[0]), weights, choiceCount, bias);
  }

  /** Hosts of weights 1, 2, 3, 4 with these active request counts. */
  private static List<UpstreamHost> hosts(int... active) {
    List<UpstreamHost> hosts = TestHost.withWeights(WEIGHTS);
    for (int i = 0; i < active.length; i++) {
      ((TestHost) hosts.get(i)).withActive(active[i]);
    }
    return hosts;
  }

  @Test
  void idleHostsGetTrafficInProportionToTheirWeights() {
    long[] counts = Picks.counts(picker(hosts(0, 0, 0, 0), 2, 1.0), 4, SAMPLES);

    Proportions.assertMatches(counts, Proportions.sharesOf(1, 2, 3, 4));
    Proportions.assertDoesNotMatch(counts, Proportions.uniform(4));
    // Taking the heavier of two weighted draws would give (1, 8, 27, 64) / 100-like shares:
    Proportions.assertDoesNotMatch(counts, heavierOfTwoDraws());
  }

  @Test
  void biasZeroIsPureWeightedRandomWhateverTheLoad() {
    long[] counts = Picks.counts(picker(hosts(0, 0, 0, 500), 5, 0.0), 4, SAMPLES);

    Proportions.assertMatches(counts, Proportions.sharesOf(1, 2, 3, 4));
  }

  @Test
  void biasOneFollowsTheDynamicWeightOfEachDrawnHost() {
    int[] active = {0, 5, 0, 20};
    WeightedLeastRequestPicker picker = picker(hosts(active), 2, 1.0);

    long[] counts = Picks.counts(picker, 4, SAMPLES);

    double[] expected = twoDrawShares(picker, active);
    Proportions.assertMatches(counts, expected);
    Proportions.assertDoesNotMatch(counts, Proportions.sharesOf(1, 2, 3, 4));
    // The busy heavy host (40% of the weight) gets about 21% of the picks.
    assertThat(counts[3]).as("the busy heavy host").isLessThan(SAMPLES / 4);
  }

  @Test
  void aLargerBiasSteersHarderAwayFromBusyHosts() {
    long busyAtBiasOne = Picks.counts(picker(hosts(0, 0, 0, 3), 2, 1.0), 4, SAMPLES)[3];
    long busyAtBiasThree = Picks.counts(picker(hosts(0, 0, 0, 3), 2, 3.0), 4, SAMPLES)[3];

    // Expected shares of host 3: about 0.256 at bias 1 and about 0.167 at bias 3.
    assertThat(busyAtBiasThree).isLessThan(busyAtBiasOne - SAMPLES / 50);
  }

  @Test
  void moreChoicesApproachEnvoysDynamicWeights() {
    int[] active = {0, 1, 0, 3};
    WeightedLeastRequestPicker picker = picker(hosts(active), 100, 1.0);

    long[] counts = Picks.counts(picker, 4, SAMPLES);

    // weight / (active + 1): 1, 1, 3, 1, normalized; 100 draws put us within about 1% of it.
    double[] dynamic = Proportions.sharesOf(1, 1, 3, 1);
    long total = SAMPLES;
    for (int i = 0; i < 4; i++) {
      assertThat((double) counts[i] / total).isCloseTo(dynamic[i], within(0.02));
    }
  }

  @Test
  void theLoadFactorMatchesTheFormula() {
    List<UpstreamHost> hosts = hosts(0, 0, 0, 0);
    assertThat(picker(hosts, 2, 1.0).loadFactor(4)).isEqualTo(0.2);
    assertThat(picker(hosts, 2, 0.0).loadFactor(4)).isEqualTo(1.0);
    assertThat(picker(hosts, 2, 2.0).loadFactor(4)).isCloseTo(1 / 25.0, within(1e-12));
    assertThat(picker(hosts, 2, 0.5).loadFactor(3)).isCloseTo(0.5, within(1e-12));
    assertThat(picker(hosts, 2, 1.0).loadFactor(-3)).as("a negative count reads as 0").isEqualTo(1.0);
  }

  @Test
  void aRetryFollowsTheWeightsOfTheHostsNotExcluded() {
    List<UpstreamHost> hosts = hosts(0, 0, 0, 0);

    long[] counts = Picks.counts(picker(hosts, 2, 1.0), 4, SAMPLES, excluding(hosts.get(3)));

    assertThat(counts[3]).isZero();
    Proportions.assertMatches(counts, Proportions.sharesOf(1, 2, 3, 0));
  }

  @Test
  void aRetryFindsTheOnlyAllowedHostEvenWhenDrawsMissIt() {
    List<UpstreamHost> hosts = TestHost.withWeights(1, 1_000, 1_000, 1_000);
    Picker picker = picker(hosts, 2, 1.0);
    PickContext retry = excluding(hosts.get(1), hosts.get(2), hosts.get(3));

    for (int i = 0; i < 1_000; i++) {
      assertThat(picker.pick(retry)).isSameAs(hosts.get(0));
    }
  }

  @Test
  void whenEveryHostIsExcludedOneIsStillReturned() {
    List<UpstreamHost> hosts = hosts(1, 2, 3, 4);
    Picker picker = picker(hosts, 2, 1.0);
    PickContext retry = new ExcludingContext(Set.copyOf(hosts));

    for (int i = 0; i < 100; i++) {
      assertThat(picker.pick(retry)).isIn(hosts);
    }
  }

  @Test
  void picksDoNotAllocate() {
    List<UpstreamHost> hosts = hosts(3, 0, 2, 8);
    for (double bias : new double[] {0.0, 1.0, 1.5}) {
      Picker picker = picker(hosts, 2, bias);

      assertThat(Allocations.bytesAllocatedBy(picker, PickContext.NONE, 100_000))
          .as("bias %s", bias)
          .isLessThan(1_024);
      PickContext allButOne = excluding(hosts.get(1), hosts.get(2), hosts.get(3));
      assertThat(Allocations.bytesAllocatedBy(picker, allButOne, 100_000))
          .as("retries, bias %s", bias)
          .isLessThan(1_024);
    }
  }

  /**
   * The exact shares for two draws: host x wins when drawn first and kept, or drawn second and
   * swapped in, so P(x) = 2 p(x) f(x) * sum over y of p(y) / (f(x) + f(y)), with p the weight share
   * and f the load factor.
   */
  private static double[] twoDrawShares(WeightedLeastRequestPicker picker, int[] active) {
    double[] p = Proportions.sharesOf(1, 2, 3, 4);
    double[] f = new double[4];
    for (int i = 0; i < 4; i++) {
      f[i] = picker.loadFactor(active[i]);
    }
    double[] shares = new double[4];
    for (int x = 0; x < 4; x++) {
      double sum = 0;
      for (int y = 0; y < 4; y++) {
        sum += p[y] / (f[x] + f[y]);
      }
      shares[x] = 2 * p[x] * f[x] * sum;
    }
    return shares;
  }

  /** Shares if the heavier of two weight-proportional draws won (ties: either). */
  private static double[] heavierOfTwoDraws() {
    double[] p = Proportions.sharesOf(1, 2, 3, 4);
    double[] shares = new double[4];
    double below = 0;
    for (int i = 0; i < 4; i++) {
      double atMost = below + p[i];
      shares[i] = atMost * atMost - below * below;
      below = atMost;
    }
    return shares;
  }
}
