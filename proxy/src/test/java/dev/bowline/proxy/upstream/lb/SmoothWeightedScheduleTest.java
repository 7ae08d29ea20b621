package dev.bowline.proxy.upstream.lb;

import dev.bowline.spi.lb.testing.Picks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SmoothWeightedScheduleTest {

  static int[][] weightSets() {
    return new int[][] {
      {5, 1, 1}, {3, 2}, {1, 2, 3, 4}, {10, 3, 2, 1}, {7, 3}, {50, 30, 20, 5, 1},
      {2, 3, 5, 7, 11, 13}, {100, 1}, {1, 1, 2}
    };
  }

  @Test
  void interleavesAHeavyHostWithTheOthers() {
    assertThat(SmoothWeightedSchedule.compute(new int[] {5, 1, 1}))
        .containsExactly(0, 0, 1, 0, 2, 0, 0);
  }

  @ParameterizedTest
  @MethodSource("weightSets")
  void givesEachHostExactlyItsWeightPerPeriod(int[] weights) {
    int[] schedule = SmoothWeightedSchedule.compute(weights);

    assertThat(schedule).hasSize(Arrays.stream(weights).sum());
    long[] counts = Picks.histogram(schedule, weights.length);
    for (int i = 0; i < weights.length; i++) {
      assertThat(counts[i]).as("picks of host %d", i).isEqualTo(weights[i]);
    }
  }

  @ParameterizedTest
  @MethodSource("weightSets")
  void neverLetsAHostGetAWholePickAheadOfItsShare(int[] weights) {
    int[] schedule = SmoothWeightedSchedule.compute(weights);

    assertThat(Smoothness.maxPrefixDeviation(schedule, weights)).isLessThan(1.0);
  }

  @Test
  void staysWithinTwoPicksOfEveryShareForManyWeightSets() {
    Random random = new Random(42); // fixed seed: the same weight sets on every run
    for (int trial = 0; trial < 300; trial++) {
      int[] weights = new int[2 + random.nextInt(19)];
      for (int i = 0; i < weights.length; i++) {
        weights[i] = 1 + random.nextInt(random.nextBoolean() ? 5 : 100);
      }
      int[] schedule = SmoothWeightedSchedule.compute(weights);

      assertThat(Picks.histogram(schedule, weights.length))
          .containsExactly(Arrays.stream(weights).asLongStream().toArray());
      assertThat(Smoothness.maxPrefixDeviation(schedule, weights))
          .as("weights %s", Arrays.toString(weights))
          .isLessThan(2.0);
    }
  }

  @ParameterizedTest
  @MethodSource("weightSets")
  void doesNotRunAHostWeightManyTimesWhileOthersAreDue(int[] weights) {
    int[] schedule = SmoothWeightedSchedule.compute(weights);
    long total = Arrays.stream(weights).sum();

    for (int i = 0; i < weights.length; i++) {
      assertThat(Picks.longestCyclicRun(schedule, i))
          .as("longest run of host %d in %s", i, Arrays.toString(schedule))
          .isLessThanOrEqualTo(Smoothness.runBound(weights[i], total));
    }
  }

  @Test
  void theSmoothnessChecksRejectANaiveSchedule() {
    int[] weights = {10, 3, 2, 1};
    int[] naive = Smoothness.naive(weights);

    assertThat(Smoothness.maxPrefixDeviation(naive, weights)).isGreaterThan(2.0);
    assertThat(Picks.longestCyclicRun(naive, 0)).isGreaterThan(Smoothness.runBound(10, 16));
  }

  @Test
  void rejectsATotalTooLargeForAnArray() {
    assertThatThrownBy(() -> SmoothWeightedSchedule.compute(new int[] {Integer.MAX_VALUE, 1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too large");
  }
}
