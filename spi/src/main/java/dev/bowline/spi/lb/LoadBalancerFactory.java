package dev.bowline.spi.lb;

import dev.bowline.spi.plugin.NamedFactory;
import dev.bowline.spi.plugin.PluginContext;

/**
 * Extension point: a load-balancing algorithm, such as {@code bowline.lb.round_robin} or
 * {@code bowline.lb.least_request}. The proxy makes one {@link LoadBalancer} per cluster that uses
 * the algorithm.
 *
 * <p><b>Threading.</b> Stateless and thread-safe, like every {@link NamedFactory}.
 *
 * @param <C> the validated configuration type
 */
public interface LoadBalancerFactory<C> extends NamedFactory<C> {

  /**
   * Makes a balancer for one cluster.
   *
   * @param config a value returned by {@link #parseConfig(java.util.Map)}
   * @param context the host's services for this plugin
   */
  LoadBalancer newLoadBalancer(C config, PluginContext context);
}
