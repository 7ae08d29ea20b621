package dev.bowline.spi.lb.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.lb.Picker;
import dev.bowline.spi.lb.UpstreamHost;
import org.junit.jupiter.api.Test;

/** Shows that the allocation check used by the picker tests would catch an allocating picker. */
class AllocationsTest {

  @Test
  void seesAPickerThatAllocates() {
    UpstreamHost host = TestHost.even(1).get(0);
    Picker allocating =
        new Picker() {
          volatile Object last;

          @Override
          public UpstreamHost pick(PickContext context) {
            last = new long[4]; // escapes, so the JIT cannot remove it
            return host;
          }
        };

    assertThat(Allocations.bytesAllocatedBy(allocating, PickContext.NONE, 100_000))
        .isGreaterThan(1_000_000);
  }
}
