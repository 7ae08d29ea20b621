package dev.bowline.proxy.xds;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

class ExponentialBackoffTest {

  private static List<Long> millis(ExponentialBackoff backoff, int count) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(backoff.next().toMillis());
    }
    return out;
  }

  @Test
  void theCeilingDoublesUpToTheMaximum() {
    ExponentialBackoff highest =
        new ExponentialBackoff(Duration.ofMillis(100), Duration.ofSeconds(1), bound -> bound - 1);

    assertThat(millis(highest, 7)).containsExactly(100L, 200L, 400L, 800L, 1000L, 1000L, 1000L);
  }

  @Test
  void resetStartsFromTheInitialCeiling() {
    ExponentialBackoff highest =
        new ExponentialBackoff(Duration.ofMillis(100), Duration.ofSeconds(1), bound -> bound - 1);
    millis(highest, 5);

    highest.reset();

    assertThat(millis(highest, 2)).containsExactly(100L, 200L);
  }

  @Test
  void fullJitterDrawsFromZeroToTheCeiling() {
    List<Long> bounds = new ArrayList<>();
    ExponentialBackoff lowest =
        new ExponentialBackoff(Duration.ofMillis(100), Duration.ofSeconds(1), bound -> {
          bounds.add(bound);
          return 0;
        });

    assertThat(millis(lowest, 3)).containsOnly(0L);
    assertThat(bounds).containsExactly(100_000_001L, 200_000_001L, 400_000_001L);
  }

  @Test
  void manyAttemptsNeverExceedTheMaximum() {
    ExponentialBackoff random =
        new ExponentialBackoff(Duration.ofMillis(500), Duration.ofSeconds(30),
            bound -> ThreadLocalRandom.current().nextLong(bound));

    assertThat(millis(random, 200)).allSatisfy(ms -> assertThat(ms).isBetween(0L, 30_000L));
  }
}
