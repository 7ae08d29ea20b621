package dev.bowline.proxy.upstream.lb;

import dev.bowline.spi.lb.LoadBalancer;
import dev.bowline.spi.lb.Picker;
import dev.bowline.spi.lb.UpstreamHost;
import java.util.List;

/**
 * The balancer behind {@code bowline.lb.random}. For each host set it builds a picker that returns
 * {@code null} (no host), the only host, a {@link UniformRandomPicker} (equal weights) or a
 * {@link WeightedRandomPicker} (different weights).
 *
 * <p><b>Threading.</b> Stateless; {@link #newPicker(List)} may be called from any thread.
 */
final class RandomLoadBalancer implements LoadBalancer {

  @Override
  public Picker newPicker(List<UpstreamHost> hosts) {
    UpstreamHost[] snapshot = hosts.toArray(new UpstreamHost[0]);
    if (snapshot.length == 0) {
      return EmptyPicker.INSTANCE;
    }
    if (snapshot.length == 1) {
      return new SingleHostPicker(snapshot[0]);
    }
    int[] weights = HostWeights.of(snapshot);
    if (HostWeights.allEqual(weights)) {
      return new UniformRandomPicker(snapshot);
    }
    return new WeightedRandomPicker(snapshot, weights);
  }

  @Override
  public String toString() {
    return "RandomLoadBalancer";
  }
}
