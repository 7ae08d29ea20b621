package dev.bowline.spi.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CumulativeWeightsTest {

  @Test
  void mapsEachPointToTheHostOwningIt() {
    CumulativeWeights weights = new CumulativeWeights(new int[] {1, 3, 2});

    assertThat(weights.total()).isEqualTo(6);
    int[] owners = new int[6];
    for (int point = 0; point < 6; point++) {
      owners[point] = weights.indexOf(point);
    }
    assertThat(owners).containsExactly(0, 1, 1, 1, 2, 2);
  }

  @Test
  void rejectsAWeightBelowOne() {
    assertThatThrownBy(() -> new CumulativeWeights(new int[] {1, 0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("index 1");
  }
}
