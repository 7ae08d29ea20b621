package dev.bowline.proxy.upstream.lb;

import dev.bowline.spi.lb.LoadBalancer;
import dev.bowline.spi.lb.LoadBalancerFactory;
import dev.bowline.spi.plugin.ConfigOrError;
import dev.bowline.spi.plugin.ExtensionMetadata;
import dev.bowline.spi.plugin.ExtensionStatus;
import dev.bowline.spi.plugin.PluginContext;
import dev.bowline.spi.plugin.SecurityPosture;
import java.util.Map;

/**
 * The built-in {@code bowline.lb.random} balancer (Envoy's {@code RANDOM}, Istio's
 * {@code simple: RANDOM}): each request goes to a host chosen at random, in proportion to its
 * weight.
 *
 * <p>With equal weights the choice is uniform; with different weights a host is chosen with
 * probability {@code weight / totalWeight} (prefix sums and a binary search). Retries that exclude
 * hosts draw again among the allowed hosts, by the same rule. It takes no configuration options:
 * {@link #parseConfig(Map)} accepts only an empty map.
 *
 * <p><b>Threading.</b> Stateless and thread-safe. Its pickers use
 * {@link java.util.concurrent.ThreadLocalRandom}: they never block, never lock and never allocate,
 * and share no mutable state between event loops.
 */
public final class RandomLoadBalancerFactory implements LoadBalancerFactory<RandomConfig> {

  /** The canonical name, {@value}. */
  public static final String NAME = "bowline.lb.random";

  private static final ExtensionMetadata METADATA =
      new ExtensionMetadata(
          ExtensionStatus.STABLE,
          SecurityPosture.DATA_PLANE_AGNOSTIC,
          "Sends each request to a host chosen at random, in proportion to its weight.");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ExtensionMetadata metadata() {
    return METADATA;
  }

  /** Accepts an empty map; reports every key as an unknown field. */
  @Override
  public ConfigOrError<RandomConfig> parseConfig(Map<String, ?> raw) {
    return NoOptions.parse(raw, NAME, RandomConfig.DEFAULT);
  }

  @Override
  public LoadBalancer newLoadBalancer(RandomConfig config, PluginContext context) {
    return new RandomLoadBalancer();
  }

  @Override
  public String toString() {
    return NAME;
  }
}
