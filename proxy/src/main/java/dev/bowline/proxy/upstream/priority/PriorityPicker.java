package dev.bowline.proxy.upstream.priority;

import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.lb.Picker;
import dev.bowline.spi.lb.UpstreamHost;
import dev.bowline.spi.plugin.PluginMetrics.Counter;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks a host across priority levels, as Envoy does: first a level by the {@link PriorityLoads}
 * (with a number from 1 to 100: the request's hash key when it has one, so a hash-balanced request
 * keeps its level, else a random one), then the host inside with that level's own picker, built by
 * the cluster's balancer over the level's healthy hosts, or over all its hosts in panic (each such
 * pick counts {@code lb_healthy_panic}).
 *
 * <p>Immutable; {@link #pick} never blocks, never allocates, and runs on any event loop.
 */
public final class PriorityPicker implements Picker {

  private final Picker[] levels;
  private final int[] cumulativeLoad;
  private final boolean[] panic;
  private final Counter panicPicks;

  private PriorityPicker(Picker[] levels, PriorityLoads loads, Counter panicPicks) {
    this.levels = levels.clone();
    this.cumulativeLoad = new int[levels.length];
    this.panic = new boolean[levels.length];
    int sum = 0;
    for (int i = 0; i < levels.length; i++) {
      sum += loads.load(i);
      cumulativeLoad[i] = sum;
      panic[i] = loads.panic(i);
    }
    this.panicPicks = panicPicks;
  }

  /**
   * The picker over these levels: the level's own picker when there is one level not in panic
   * (nothing added to a pick), else a priority picker.
   *
   * @param levels each level's picker, from priority 0 on
   * @param loads the levels' loads and panic states
   * @param panicPicks counts picks made in a level in panic
   */
  public static Picker of(Picker[] levels, PriorityLoads loads, Counter panicPicks) {
    if (levels.length != loads.levels()) {
      throw new IllegalArgumentException(
          levels.length + " pickers for " + loads.levels() + " levels");
    }
    if (levels.length == 1 && !loads.panic(0)) {
      return levels[0];
    }
    return new PriorityPicker(levels, loads, panicPicks);
  }

  @Override
  public UpstreamHost pick(PickContext context) {
    long draw =
        context.hasHashKey()
            ? Long.remainderUnsigned(context.hashKey(), 100) + 1
            : ThreadLocalRandom.current().nextInt(100) + 1;
    int level = 0;
    while (level < cumulativeLoad.length - 1 && draw > cumulativeLoad[level]) {
      level++;
    }
    if (panic[level]) {
      panicPicks.increment();
    }
    return levels[level].pick(context);
  }
}
