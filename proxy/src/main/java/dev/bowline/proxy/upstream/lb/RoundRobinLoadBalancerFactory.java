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
 * The built-in {@code bowline.lb.round_robin} balancer (Envoy's {@code ROUND_ROBIN}, Istio's
 * {@code simple: ROUND_ROBIN}): hosts take turns, in proportion to their weights.
 *
 * <p>With equal weights the picker is a plain rotation; with different weights it follows a smooth
 * weighted round-robin schedule, so over one period (the total weight, after dividing out the
 * common divisor) each host gets exactly {@code weight / totalWeight} of the picks, spread evenly
 * through the period. Retries that exclude hosts go to the next allowed host in turn. It takes no
 * configuration options: {@link #parseConfig(Map)} accepts only an empty map.
 *
 * <p><b>Threading.</b> Stateless and thread-safe. Its pickers never block, never lock and never
 * allocate; one picker may serve any number of event loops.
 */
public final class RoundRobinLoadBalancerFactory implements LoadBalancerFactory<RoundRobinConfig> {

  /** The canonical name, {@value}. */
  public static final String NAME = "bowline.lb.round_robin";

  private static final ExtensionMetadata METADATA =
      new ExtensionMetadata(
          ExtensionStatus.STABLE,
          SecurityPosture.DATA_PLANE_AGNOSTIC,
          "Sends requests to each host in turn, in proportion to its weight (smooth weighted"
              + " round robin).");

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
  public ConfigOrError<RoundRobinConfig> parseConfig(Map<String, ?> raw) {
    return NoOptions.parse(raw, NAME, RoundRobinConfig.DEFAULT);
  }

  @Override
  public LoadBalancer newLoadBalancer(RoundRobinConfig config, PluginContext context) {
    return new RoundRobinLoadBalancer();
  }

  @Override
  public String toString() {
    return NAME;
  }
}
