package dev.bowline.plugins.lb.leastrequest;

import dev.bowline.spi.lb.LoadBalancer;
import dev.bowline.spi.lb.Picker;
import dev.bowline.spi.lb.UpstreamHost;
import java.util.List;
import java.util.Objects;

/**
 * The balancer behind {@code bowline.lb.least_request}. For each host set it builds a picker that
 * returns {@code null} (no host), the only host, a {@link PowerOfChoicesPicker} (equal weights) or
 * a {@link WeightedLeastRequestPicker} (different weights). Weights are read once here; active
 * request counts are read live by the pickers.
 *
 * <p><b>Threading.</b> Immutable; {@link #newPicker(List)} may be called from any thread.
 */
final class LeastRequestLoadBalancer implements LoadBalancer {

  private final LeastRequestConfig config;

  LeastRequestLoadBalancer(LeastRequestConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  @Override
  public Picker newPicker(List<UpstreamHost> hosts) {
    UpstreamHost[] snapshot = hosts.toArray(new UpstreamHost[0]);
    if (snapshot.length == 0) {
      return context -> null;
    }
    if (snapshot.length == 1) {
      UpstreamHost only = snapshot[0];
      return context -> only;
    }
    int[] weights = new int[snapshot.length];
    boolean allEqual = true;
    for (int i = 0; i < snapshot.length; i++) {
      weights[i] = Math.max(1, snapshot[i].weight()); // a weight below 1 breaks the contract
      allEqual &= weights[i] == weights[0];
    }
    if (allEqual) {
      return new PowerOfChoicesPicker(snapshot, config.choiceCount());
    }
    return new WeightedLeastRequestPicker(
        snapshot, weights, config.choiceCount(), config.activeRequestBias());
  }

  @Override
  public String toString() {
    return "LeastRequestLoadBalancer{" + config + "}";
  }
}
