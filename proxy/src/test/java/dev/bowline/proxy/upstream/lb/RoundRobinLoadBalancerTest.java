package dev.bowline.proxy.upstream.lb;

import dev.bowline.spi.lb.testing.TestHost;
import dev.bowline.spi.lb.testing.Allocations;
import dev.bowline.spi.lb.testing.ExcludingContext;
import dev.bowline.spi.lb.testing.Picks;
import static dev.bowline.spi.lb.testing.ExcludingContext.excluding;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.lb.Picker;
import dev.bowline.spi.lb.UpstreamHost;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RoundRobinLoadBalancerTest {

  private final RoundRobinLoadBalancer balancer = new RoundRobinLoadBalancer();

  @Test
  void anEmptyHostListGivesNoHost() {
    Picker picker = balancer.newPicker(List.of());

    assertThat(picker.pick(PickContext.NONE)).isNull();
    assertThat(picker.pick(excluding())).isNull();
  }

  @Test
  void aSingleHostIsAlwaysPickedEvenWhenExcluded() {
    List<UpstreamHost> hosts = TestHost.even(1);
    Picker picker = balancer.newPicker(hosts);

    assertThat(picker.pick(PickContext.NONE)).isSameAs(hosts.get(0));
    assertThat(picker.pick(excluding(hosts.get(0)))).isSameAs(hosts.get(0));
  }

  @Test
  void equalWeightsUseAPlainRotationInListOrder() {
    Picker picker = balancer.newPicker(TestHost.withWeights(3, 3, 3, 3));

    assertThat(picker).isInstanceOf(EvenRoundRobinPicker.class);
    int[] sequence = Picks.sequence(picker, 12);
    for (int i = 1; i < sequence.length; i++) {
      assertThat(sequence[i]).isEqualTo((sequence[i - 1] + 1) % 4);
    }
  }

  @Test
  void equalWeightsAreExactlyEvenOverWholeRounds() {
    int hosts = 7;
    int rounds = 1_000;
    Picker picker = balancer.newPicker(TestHost.even(hosts));

    long[] counts = Picks.counts(picker, hosts, hosts * rounds);

    assertThat(counts).containsOnly(rounds);
  }

  @Test
  void weightedPicksMatchTheWeightsExactlyOverWholePeriods() {
    Picker picker = balancer.newPicker(TestHost.withWeights(1, 2, 3, 4));

    assertThat(picker).isInstanceOf(ScheduledRoundRobinPicker.class);
    long[] counts = Picks.counts(picker, 4, 10 * 5_000);

    assertThat(counts).containsExactly(5_000, 10_000, 15_000, 20_000);
  }

  @Test
  void weightedPicksAreSmooth() {
    int[] weights = {5, 1, 1};
    Picker picker = balancer.newPicker(TestHost.withWeights(weights));

    // The picker starts at a random slot: whatever the start, 7 picks are one period.
    int[] period = Picks.sequence(picker, 7);

    assertThat(rotationsOf(new int[] {0, 0, 1, 0, 2, 0, 0})).anySatisfy(
        rotation -> assertThat(period).containsExactly(rotation));
  }

  @Test
  void aCommonDivisorOfTheWeightsShortensThePeriod() {
    ScheduledRoundRobinPicker picker =
        (ScheduledRoundRobinPicker) balancer.newPicker(TestHost.withWeights(20, 40, 60));

    assertThat(picker.period()).isEqualTo(6);
    assertThat(Picks.counts(picker, 3, 6)).containsExactly(1, 2, 3);
  }

  @Test
  void weightsTooLargeToScheduleStillGetExactProportionsAndSpreadPicks() {
    int[] weights = {40_000, 30_000, 1};
    Picker picker = balancer.newPicker(TestHost.withWeights(weights));

    assertThat(picker).isInstanceOf(StrideRoundRobinPicker.class);
    int[] period = Picks.sequence(picker, 70_001);
    assertThat(Picks.histogram(period, 3)).containsExactly(40_000, 30_000, 1);
    for (int i = 0; i < weights.length; i++) {
      assertThat(Picks.longestCyclicRun(period, i))
          .isLessThanOrEqualTo(Smoothness.runBound(weights[i], 70_001));
    }
    assertThat(Smoothness.maxPrefixDeviation(period, weights)).isLessThan(8.0);
  }

  @Test
  void manyHostsWithLargeWeightsAvoidAnExpensiveSchedule() {
    int[] weights = new int[2_000];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = 1 + i % 50;
    }

    assertThat(balancer.newPicker(TestHost.withWeights(weights)))
        .isInstanceOf(StrideRoundRobinPicker.class);
  }

  @Test
  void pickersStartAtARandomHost() {
    List<UpstreamHost> hosts = TestHost.even(4);
    Set<UpstreamHost> firstPicks = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      firstPicks.add(balancer.newPicker(hosts).pick(PickContext.NONE));
    }

    // All 200 starting at one host has probability 4 * 4^-200.
    assertThat(firstPicks).hasSizeGreaterThan(1);
  }

  @Test
  void aRetrySkipsExcludedHostsOfEqualWeight() {
    List<UpstreamHost> hosts = TestHost.even(3);
    Picker picker = balancer.newPicker(hosts);
    PickContext retry = excluding(hosts.get(0), hosts.get(2));

    for (int i = 0; i < 30; i++) {
      assertThat(picker.pick(retry)).isSameAs(hosts.get(1));
    }
  }

  @Test
  void aRetrySkipsExcludedWeightedHosts() {
    List<UpstreamHost> hosts = TestHost.withWeights(1, 2, 3, 4);
    Picker picker = balancer.newPicker(hosts);
    PickContext retry = excluding(hosts.get(3), hosts.get(2), hosts.get(1));

    for (int i = 0; i < 30; i++) {
      assertThat(picker.pick(retry)).isSameAs(hosts.get(0));
    }
  }

  @Test
  void aRetryGoesToTheWeightedHostDueNext() {
    List<UpstreamHost> hosts = TestHost.withWeights(5, 1, 1);
    UpstreamHost[] array = hosts.toArray(new UpstreamHost[0]);
    // Schedule 0 0 1 0 2 0 0, starting at slot 3 (host 0): the retry must go to slot 4, host 2.
    Picker picker =
        new ScheduledRoundRobinPicker(array, SmoothWeightedSchedule.compute(new int[] {5, 1, 1}), 3);

    assertThat(picker.pick(excluding(hosts.get(0)))).isSameAs(hosts.get(2));
    assertThat(picker.pick(PickContext.NONE)).isSameAs(hosts.get(2)); // the counter moved by one
  }

  @Test
  void whenEveryHostIsExcludedOneIsStillReturned() {
    for (List<UpstreamHost> hosts :
        List.of(TestHost.even(3), TestHost.withWeights(1, 2, 3), TestHost.withWeights(40_000, 30_000, 1))) {
      Picker picker = balancer.newPicker(hosts);
      PickContext retry = new ExcludingContext(Set.copyOf(hosts));

      for (int i = 0; i < 10; i++) {
        assertThat(picker.pick(retry)).isIn(hosts);
      }
    }
  }

  @Test
  void aRetryOnTheStridePickerSkipsExcludedHosts() {
    List<UpstreamHost> hosts = TestHost.withWeights(40_000, 30_000, 1);
    Picker picker = balancer.newPicker(hosts);
    PickContext retry = excluding(hosts.get(0), hosts.get(1));

    for (int i = 0; i < 30; i++) {
      assertThat(picker.pick(retry)).isSameAs(hosts.get(2));
    }
  }

  @Test
  void concurrentPicksKeepTheExactDistribution() throws Exception {
    assertExactUnderConcurrency(new int[] {1, 1, 1, 1, 1}, 5, 25_000);
    assertExactUnderConcurrency(new int[] {1, 2, 3, 4}, 10, 25_000);
    assertExactUnderConcurrency(new int[] {6, 1, 4}, 11, 25_000);
    assertExactUnderConcurrency(new int[] {40_000, 30_000, 1}, 70_001, 3); // the stride picker
  }

  private void assertExactUnderConcurrency(int[] weights, int period, int periodsPerThread)
      throws Exception {
    int threads = 4;
    int picksPerThread = period * periodsPerThread;
    Picker picker = balancer.newPicker(TestHost.withWeights(weights));
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<long[]>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return Picks.counts(picker, weights.length, picksPerThread);
                }));
      }
      start.countDown();
      long[] total = new long[weights.length];
      for (Future<long[]> result : results) {
        long[] counts = result.get(30, TimeUnit.SECONDS);
        for (int i = 0; i < total.length; i++) {
          total[i] += counts[i];
        }
      }
      long periods = (long) threads * picksPerThread / period;
      for (int i = 0; i < weights.length; i++) {
        assertThat(total[i]).as("picks of host %d", i).isEqualTo(periods * weights[i]);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void picksDoNotAllocate() {
    for (List<UpstreamHost> hosts :
        List.of(TestHost.even(5), TestHost.withWeights(1, 2, 3, 4), TestHost.withWeights(40_000, 30_000, 1))) {
      Picker picker = balancer.newPicker(hosts);

      assertThat(Allocations.bytesAllocatedBy(picker, PickContext.NONE, 100_000))
          .as("bytes allocated by 100k picks of %s", picker)
          .isLessThan(1_024);
      assertThat(Allocations.bytesAllocatedBy(picker, excluding(hosts.get(0)), 100_000))
          .as("bytes allocated by 100k retries of %s", picker)
          .isLessThan(1_024);
    }
  }

  private static List<int[]> rotationsOf(int[] sequence) {
    List<int[]> rotations = new ArrayList<>();
    for (int shift = 0; shift < sequence.length; shift++) {
      int[] rotation = new int[sequence.length];
      for (int i = 0; i < sequence.length; i++) {
        rotation[i] = sequence[(i + shift) % sequence.length];
      }
      rotations.add(rotation);
    }
    return rotations;
  }
}
