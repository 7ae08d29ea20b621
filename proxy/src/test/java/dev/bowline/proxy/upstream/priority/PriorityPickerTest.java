package dev.bowline.proxy.upstream.priority;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.proxy.upstream.priority.PriorityLoads.Level;
import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.lb.Picker;
import dev.bowline.spi.lb.UpstreamHost;
import dev.bowline.spi.model.Endpoint;
import dev.bowline.spi.plugin.PluginMetrics.Counter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PriorityPickerTest {

  private final AtomicLong panicPicks = new AtomicLong();
  private final Counter counter =
      new Counter() {
        @Override
        public void add(long amount) {
          panicPicks.addAndGet(amount);
        }

        @Override
        public long value() {
          return panicPicks.get();
        }
      };

  private static UpstreamHost host(int port) {
    Endpoint e = Endpoint.of("10.0.0.1", port);
    return new UpstreamHost() {
      @Override
      public Endpoint endpoint() {
        return e;
      }

      @Override
      public int activeRequests() {
        return 0;
      }
    };
  }

  private static PickContext hashed(long key) {
    return new PickContext() {
      @Override
      public boolean hasHashKey() {
        return true;
      }

      @Override
      public long hashKey() {
        return key;
      }
    };
  }

  @Test
  void oneHealthyLevelIsItsOwnPicker() {
    Picker only = context -> host(1);
    PriorityLoads loads = PriorityLoads.compute(new Level[] {new Level(1, 1, 1, 1)}, 140, false,
        50);

    assertThat(PriorityPicker.of(new Picker[] {only}, loads, counter)).isSameAs(only);
  }

  @Test
  void choosesTheLevelByItsLoadWithTheRequestsHashKey() {
    UpstreamHost p0 = host(1);
    UpstreamHost p1 = host(2);
    // 70/30: hash keys 0..69 map to draws 1..70 (level 0), 70..99 to level 1
    PriorityLoads loads = PriorityLoads.compute(
        new Level[] {new Level(10, 5, 10, 5), new Level(10, 10, 10, 10)}, 140, false, 50);
    Picker picker = PriorityPicker.of(new Picker[] {c -> p0, c -> p1}, loads, counter);

    int toLevel0 = 0;
    for (long key = 0; key < 100; key++) {
      if (picker.pick(hashed(key)) == p0) {
        toLevel0++;
      }
    }

    assertThat(toLevel0).isEqualTo(70);
    assertThat(picker.pick(hashed(169))).isSameAs(p0); // draw 70
    assertThat(picker.pick(hashed(185))).isSameAs(p1); // draw 86
    assertThat(picker.pick(hashed(-1))).isSameAs(p0); // 2^64 - 1 unsigned: draw 16
    assertThat(panicPicks).hasValue(0);
  }

  @Test
  void randomDrawsFollowTheLoadsAndNeverPickALevelWithout() {
    UpstreamHost p0 = host(1);
    UpstreamHost p1 = host(2);
    PriorityLoads loads = PriorityLoads.compute(
        new Level[] {new Level(10, 0, 10, 0), new Level(10, 10, 10, 10)}, 140, false, 50);
    Picker picker = PriorityPicker.of(new Picker[] {c -> p0, c -> p1}, loads, counter);

    for (int i = 0; i < 1000; i++) {
      assertThat(picker.pick(PickContext.NONE)).isSameAs(p1);
    }
  }

  @Test
  void countsEachPickInALevelInPanic() {
    PriorityLoads loads = PriorityLoads.compute(new Level[] {new Level(4, 1, 4, 1)}, 140, false,
        50);
    Picker picker = PriorityPicker.of(new Picker[] {c -> host(1)}, loads, counter);

    picker.pick(PickContext.NONE);
    picker.pick(PickContext.NONE);

    assertThat(panicPicks).hasValue(2);
  }
}
