package dev.bowline.plugins.lb.ringhash;

import dev.bowline.spi.lb.LoadBalancer;
import dev.bowline.spi.lb.Picker;
import dev.bowline.spi.lb.UpstreamHost;
import java.util.List;
import java.util.Objects;

/**
 * The balancer behind {@code bowline.lb.maglev}. For each host set it builds a
 * {@link MaglevTable} (here, off the request path) and returns a {@link ConsistentHashPicker} over
 * it; for no hosts, a picker that returns {@code null}.
 *
 * <p><b>Threading.</b> Immutable; {@link #newPicker(List)} may be called from any thread.
 */
final class MaglevLoadBalancer implements LoadBalancer {

  private final MaglevConfig config;

  MaglevLoadBalancer(MaglevConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  @Override
  public Picker newPicker(List<UpstreamHost> hosts) {
    if (hosts.isEmpty()) {
      return context -> null;
    }
    return new ConsistentHashPicker(
        MaglevTable.build(hosts.toArray(new UpstreamHost[0]), config.tableSize()));
  }

  @Override
  public String toString() {
    return "MaglevLoadBalancer{" + config + "}";
  }
}
