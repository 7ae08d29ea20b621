package dev.bowline.proxy.upstream.priority;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.proxy.upstream.priority.PriorityLoads.Level;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Envoy's priority-load computation, checked against the tables of Envoy's documentation. */
class PriorityLoadsTest {

  /** A level of {@code hosts} hosts of weight 1, {@code healthy} of them healthy. */
  private static Level level(int hosts, int healthy) {
    return new Level(hosts, healthy, hosts, healthy);
  }

  private static int[] loads(PriorityLoads loads) {
    return IntStream.range(0, loads.levels()).map(loads::load).toArray();
  }

  @ParameterizedTest(name = "P0 {0}% and P1 {1}% healthy: {2}/{3}")
  @CsvSource({
    // Envoy's "priority levels" table (100 hosts per level, overprovisioning 1.4)
    "100, 100, 100, 0",
    "72, 100, 100, 0",
    "71, 100, 99, 1",
    "50, 100, 70, 30",
    "25, 100, 35, 65",
    "0, 100, 0, 100",
  })
  void twoLevelsShareByHealthTimesTheOverprovisioningFactor(
      int p0, int p1, int load0, int load1) {
    PriorityLoads loads =
        PriorityLoads.compute(new Level[] {level(100, p0), level(100, p1)}, 140, false, 50);

    assertThat(loads(loads)).containsExactly(load0, load1);
    assertThat(loads.panic(0)).isFalse(); // the total health is 100: nobody panics
    assertThat(loads.panic(1)).isFalse();
  }

  @Test
  void threeLevelsSpillInOrderAndRoundingGoesToTheFirstHealthyLevel() {
    assertThat(loads(PriorityLoads.compute(
        new Level[] {level(100, 25), level(100, 25), level(100, 100)}, 140, false, 50)))
        .containsExactly(35, 35, 30);
    // health 35, 35, 28 (of 98): 35, 35 and 28 by the formula, the 2 left to level 0 (panic
    // disabled: with it, every level is below 50% healthy and the total below 100)
    assertThat(loads(PriorityLoads.compute(
        new Level[] {level(100, 25), level(100, 25), level(100, 20)}, 140, false, 0)))
        .containsExactly(37, 35, 28);
    assertThat(loads(PriorityLoads.compute(
        new Level[] {level(100, 25), level(100, 25), level(100, 20)}, 140, false, 50)))
        .containsExactly(34, 33, 33);
  }

  @Test
  void aLevelInPanicTakesItsShareOverAllItsHosts() {
    // P0 40% healthy (health 56), P1 all healthy: no panic, since the total health is 100
    PriorityLoads spill =
        PriorityLoads.compute(new Level[] {level(10, 4), level(10, 10)}, 140, false, 50);
    assertThat(loads(spill)).containsExactly(56, 44);
    assertThat(spill.panic(0)).isFalse();

    // P0 40% healthy, P1 20%: total health 84, both below 50% healthy: both in panic, and load
    // goes by host count
    PriorityLoads panic =
        PriorityLoads.compute(new Level[] {level(30, 12), level(10, 2)}, 140, false, 50);
    assertThat(panic.panic(0)).isTrue();
    assertThat(panic.panic(1)).isTrue();
    assertThat(loads(panic)).containsExactly(75, 25);

    // only one level in panic (health 70 and 14): the load stays by health
    PriorityLoads one =
        PriorityLoads.compute(new Level[] {level(10, 5), level(10, 1)}, 140, false, 50);
    assertThat(loads(one)).containsExactly(84, 16);
    assertThat(one.panic(0)).isFalse();
    assertThat(one.panic(1)).isTrue();
  }

  @Test
  void aSingleLevelPanicsBelowTheThresholdAndNotAtIt() {
    assertThat(PriorityLoads.compute(new Level[] {level(4, 1)}, 140, false, 50).panic(0))
        .isTrue();
    assertThat(PriorityLoads.compute(new Level[] {level(4, 2)}, 140, false, 50).panic(0))
        .isFalse();
    assertThat(PriorityLoads.compute(new Level[] {level(4, 0)}, 140, false, 50).panic(0))
        .isTrue();
  }

  @Test
  void aZeroThresholdDisablesPanicAndLevelZeroTakesTheLoadWhenNothingIsHealthy() {
    PriorityLoads none =
        PriorityLoads.compute(new Level[] {level(4, 0), level(2, 0)}, 140, false, 0);

    assertThat(loads(none)).containsExactly(100, 0);
    assertThat(none.panic(0)).isFalse();
    assertThat(none.panic(1)).isFalse();

    PriorityLoads low =
        PriorityLoads.compute(new Level[] {level(10, 1)}, 140, false, 0);
    assertThat(low.panic(0)).isFalse();
  }

  @Test
  void weightedHealthCountsWeightsInsteadOfHosts() {
    // P0: a healthy host of weight 1 and an unhealthy one of weight 3: 25% by weight, 50% by count
    Level p0 = new Level(2, 1, 4, 1);
    Level p1 = new Level(1, 1, 1, 1);

    assertThat(loads(PriorityLoads.compute(new Level[] {p0, p1}, 140, true, 50)))
        .containsExactly(35, 65);
    assertThat(loads(PriorityLoads.compute(new Level[] {p0, p1}, 140, false, 50)))
        .containsExactly(70, 30);
  }

  @Test
  void aLargerOverprovisioningFactorKeepsLoadOnLevelZeroLonger() {
    assertThat(loads(PriorityLoads.compute(
        new Level[] {level(10, 5), level(10, 10)}, 200, false, 50)))
        .containsExactly(100, 0);
    assertThat(loads(PriorityLoads.compute(
        new Level[] {level(10, 5), level(10, 10)}, 100, false, 50)))
        .containsExactly(50, 50);
  }
}
