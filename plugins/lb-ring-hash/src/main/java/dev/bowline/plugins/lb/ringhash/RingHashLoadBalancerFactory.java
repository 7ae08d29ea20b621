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
 * The {@code bowline.lb.ring_hash} load balancer: Envoy's {@code RING_HASH} (Istio's
 * {@code consistentHash} with {@code ringHash}), which sends every request with the same hash key
 * to the same host while the hosts stay the same, and moves few keys when they change.
 *
 * <p><b>Algorithm.</b> A ketama ring built exactly as Envoy builds it (see {@link HashRing}): each
 * host owns ring entries in proportion to its weight, at positions hashed from its
 * {@code address:port} and the entry number; a request's hash key maps to the first entry at or
 * after it. A request without a hash key gets a random host, in proportion to the weights.
 *
 * <p><b>Configuration</b> (camelCase, as Istio's and Envoy's JSON): {@code minimumRingSize},
 * default 1024, and {@code maximumRingSize}, default 8388608, whole numbers from 1 to 8388608 with
 * the minimum not above the maximum; {@code hashFunction}, {@code XX_HASH} (default) or
 * {@code MURMUR_HASH_2}. Unknown fields are errors.
 *
 * <p><b>Retries.</b> A host that {@link dev.bowline.spi.lb.PickContext#isExcluded} names is passed
 * over for the next host along the ring; when every host is excluded, the key's own host is
 * returned anyway.
 *
 * <p><b>Threading.</b> Stateless and thread-safe. The ring is built in
 * {@link dev.bowline.spi.lb.LoadBalancer#newPicker}; its pickers never block, never lock and never
 * allocate.
 */
@Extension
public final class RingHashLoadBalancerFactory implements LoadBalancerFactory<RingHashConfig> {

  /** The canonical name, {@value}. */
  public static final String NAME = "bowline.lb.ring_hash";

  private static final ExtensionMetadata METADATA =
      new ExtensionMetadata(
          ExtensionStatus.STABLE,
          SecurityPosture.DATA_PLANE_AGNOSTIC,
          "Sends requests with the same hash key to the same host on a weighted ketama ring,"
              + " moving few keys when hosts change (Envoy's ring hash).");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ExtensionMetadata metadata() {
    return METADATA;
  }

  /**
   * Reads {@code minimumRingSize}, {@code maximumRingSize} and {@code hashFunction}; an empty map
   * gives {@link RingHashConfig#DEFAULT}. Every error names its field.
   */
  @Override
  public ConfigOrError<RingHashConfig> parseConfig(Map<String, ?> raw) {
    return RingHashConfigParser.parse(raw);
  }

  @Override
  public LoadBalancer newLoadBalancer(RingHashConfig config, PluginContext context) {
    return new RingHashLoadBalancer(config);
  }

  @Override
  public String toString() {
    return NAME;
  }
}
