package dev.bowline.plugins.lb.ringhash;

import dev.bowline.spi.lb.LoadBalancer;
import dev.bowline.spi.lb.LoadBalancerFactory;
import dev.bowline.spi.plugin.ConfigOrError;
import dev.bowline.spi.plugin.ExtensionMetadata;
import dev.bowline.spi.plugin.ExtensionStatus;
import dev.bowline.spi.plugin.PluginContext;
import dev.bowline.spi.plugin.SecurityPosture;
import java.util.Map;
import org.pf4j.Extension;

/**
 * The {@code bowline.lb.maglev} load balancer: Envoy's {@code MAGLEV} (Istio's
 * {@code consistentHash} with {@code maglev}), which sends every request with the same hash key to
 * the same host while the hosts stay the same, and moves few keys when they change.
 *
 * <p><b>Algorithm.</b> A Maglev lookup table built exactly as Envoy builds it (see
 * {@link MaglevTable}): each host fills entries of a prime-sized table along its own permutation,
 * as often as its weight asks; a request's hash key maps to entry {@code key mod tableSize}.
 * Lookups are constant time. A request without a hash key gets a random host, in proportion to
 * the weights.
 *
 * <p><b>Configuration</b> (camelCase, as Istio's and Envoy's JSON): {@code tableSize}, a prime from
 * 2 to 5000011, default 65537. Unknown fields are errors.
 *
 * <p><b>Retries.</b> A host that {@link dev.bowline.spi.lb.PickContext#isExcluded} names is passed
 * over for the host of the next table entry; when every host is excluded, the key's own host is
 * returned anyway.
 *
 * <p><b>Threading.</b> Stateless and thread-safe. The table is built in
 * {@link dev.bowline.spi.lb.LoadBalancer#newPicker}; its pickers never block, never lock and never
 * allocate.
 */
@Extension
public final class MaglevLoadBalancerFactory implements LoadBalancerFactory<MaglevConfig> {

  /** The canonical name, {@value}. */
  public static final String NAME = "bowline.lb.maglev";

  private static final ExtensionMetadata METADATA =
      new ExtensionMetadata(
          ExtensionStatus.STABLE,
          SecurityPosture.DATA_PLANE_AGNOSTIC,
          "Sends requests with the same hash key to the same host through a weighted Maglev"
              + " lookup table, moving few keys when hosts change (Envoy's Maglev).");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ExtensionMetadata metadata() {
    return METADATA;
  }

  /**
   * Reads {@code tableSize}; an empty map gives {@link MaglevConfig#DEFAULT}. Every error names its
   * field.
   */
  @Override
  public ConfigOrError<MaglevConfig> parseConfig(Map<String, ?> raw) {
    return MaglevConfigParser.parse(raw);
  }

  @Override
  public LoadBalancer newLoadBalancer(MaglevConfig config, PluginContext context) {
    return new MaglevLoadBalancer(config);
  }

  @Override
  public String toString() {
    return NAME;
  }
}
