package dev.bowline.proxy.upstream.lb;

import dev.bowline.spi.lb.LoadBalancerFactory;
import dev.bowline.spi.plugin.FactoryRegistry;
import java.util.List;

/**
 * The load balancers built into the proxy, {@code bowline.lb.round_robin} and
 * {@code bowline.lb.random}, and the registry a proxy starts from. The composition root (the
 * kernel) registers plugin factories into the same registry; a plugin that registers a built-in
 * name with a priority above {@link dev.bowline.spi.plugin.NamedFactory#DEFAULT_PRIORITY} replaces
 * the built-in.
 *
 * <p>Stateless and thread-safe.
 */
public final class BuiltinLoadBalancers {

  /** The name {@link FactoryRegistry} uses for this extension point in its messages. */
  public static final String EXTENSION_POINT = "load balancer";

  private BuiltinLoadBalancers() {}

  /**
   * The built-in factories.
   *
   * @return new instances of {@link RoundRobinLoadBalancerFactory} and
   *     {@link RandomLoadBalancerFactory}, in that order, in an immutable list
   */
  public static List<LoadBalancerFactory<?>> factories() {
    return List.of(new RoundRobinLoadBalancerFactory(), new RandomLoadBalancerFactory());
  }

  /**
   * A new, independent registry holding the built-in factories, so that a proxy works with no
   * plugins at all. Each call returns a fresh registry the caller may add to.
   *
   * @return a registry named {@value #EXTENSION_POINT} holding {@code bowline.lb.round_robin} and
   *     {@code bowline.lb.random} at the default priority
   */
  public static FactoryRegistry<LoadBalancerFactory<?>> newRegistry() {
    FactoryRegistry<LoadBalancerFactory<?>> registry = new FactoryRegistry<>(EXTENSION_POINT);
    for (LoadBalancerFactory<?> factory : factories()) {
      registry.register(factory);
    }
    return registry;
  }
}
