package dev.bowline.proxy.upstream.lb;

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

class RandomLoadBalancerTest {

  private static final int SAMPLES = 200_000;

  private final RandomLoadBalancer balancer = new RandomLoadBalancer();

  @Test
  void anEmptyHostListGivesNoHost() {
    Picker picker = balancer.newPicker(List.of());

    assertThat(picker.pick(PickContext.NONE)).isNull();
  }

  @Test
  void aSingleHostIsAlwaysPickedEvenWhenExcluded() {
    List<UpstreamHost> hosts = TestHost.even(1);
    Picker picker = balancer.newPicker(hosts);

    assertThat(picker.pick(PickContext.NONE)).isSameAs(hosts.get(0));
    assertThat(picker.pick(excluding(hosts.get(0)))).isSameAs(hosts.get(0));
  }

  @Test
  void equalWeightsArePickedUniformly() {
    Picker picker = balancer.newPicker(TestHost.withWeights(2, 2, 2, 2, 2));

    assertThat(picker).isInstanceOf(UniformRandomPicker.class);
    long[] counts = Picks.counts(picker, 5, SAMPLES);

    Proportions.assertMatches(counts, Proportions.uniform(5));
    Proportions.assertDoesNotMatch(counts, Proportions.sharesOf(1, 1, 1, 1, 1.1));
  }

  @Test
  void differentWeightsArePickedInProportion() {
    Picker picker = balancer.newPicker(TestHost.withWeights(1, 2, 3, 4));

    assertThat(picker).isInstanceOf(WeightedRandomPicker.class);
    long[] counts = Picks.counts(picker, 4, SAMPLES);

    Proportions.assertMatches(counts, Proportions.sharesOf(1, 2, 3, 4));
    Proportions.assertDoesNotMatch(counts, Proportions.uniform(4));
    Proportions.assertDoesNotMatch(counts, Proportions.sharesOf(1, 2, 3, 4.2));
  }

  @Test
  void aVeryLightHostStillGetsItsShare() {
    Picker picker = balancer.newPicker(TestHost.withWeights(1, 1_000));

    long[] counts = Picks.counts(picker, 2, SAMPLES);

    Proportions.assertMatches(counts, Proportions.sharesOf(1, 1_000));
  }

  @Test
  void aRetryIsUniformOverTheHostsNotExcluded() {
    List<UpstreamHost> hosts = TestHost.even(4);
    Picker picker = balancer.newPicker(hosts);

    long[] counts = Picks.counts(picker, 4, SAMPLES, excluding(hosts.get(1)));

    assertThat(counts[1]).isZero();
    Proportions.assertMatches(counts, new double[] {1 / 3.0, 0, 1 / 3.0, 1 / 3.0});
  }

  @Test
  void aRetryFollowsTheWeightsOfTheHostsNotExcluded() {
    List<UpstreamHost> hosts = TestHost.withWeights(1, 2, 3, 4);
    Picker picker = balancer.newPicker(hosts);

    long[] counts = Picks.counts(picker, 4, SAMPLES, excluding(hosts.get(3)));

    assertThat(counts[3]).isZero();
    Proportions.assertMatches(counts, Proportions.sharesOf(1, 2, 3, 0));
    Proportions.assertDoesNotMatch(counts, Proportions.sharesOf(1, 1, 1, 0));
  }

  @Test
  void whenEveryHostIsExcludedOneIsStillReturned() {
    for (List<UpstreamHost> hosts : List.of(TestHost.even(3), TestHost.withWeights(1, 2, 3))) {
      Picker picker = balancer.newPicker(hosts);
      PickContext retry = new ExcludingContext(Set.copyOf(hosts));

      for (int i = 0; i < 10; i++) {
        assertThat(picker.pick(retry)).isIn(hosts);
      }
    }
  }

  @Test
  void picksDoNotAllocate() {
    for (List<UpstreamHost> hosts : List.of(TestHost.even(5), TestHost.withWeights(1, 2, 3, 4))) {
      Picker picker = balancer.newPicker(hosts);

      assertThat(Allocations.bytesAllocatedBy(picker, PickContext.NONE, 100_000))
          .as("bytes allocated by 100k picks of %s", picker)
          .isLessThan(1_024);
      assertThat(Allocations.bytesAllocatedBy(picker, excluding(hosts.get(0)), 100_000))
          .as("bytes allocated by 100k retries of %s", picker)
          .isLessThan(1_024);
    }
  }
}
