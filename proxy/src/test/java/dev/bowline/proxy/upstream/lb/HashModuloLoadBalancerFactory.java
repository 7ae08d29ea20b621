package dev.bowline.proxy.upstream.lb;

import dev.bowline.spi.lb.LoadBalancer;
import dev.bowline.spi.lb.LoadBalancerFactory;
import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.lb.Picker;
import dev.bowline.spi.lb.UpstreamHost;
import dev.bowline.spi.plugin.ConfigOrError;
import dev.bowline.spi.plugin.PluginContext;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A consistent balancer for tests (the real ones live in a plugin): a request with a hash key goes
 * to host {@code key mod n} (unsigned) of the host list, or the next one that a retry does not
 * exclude; a request without a key goes round the hosts. It takes any configuration and keeps the
 * last one it parsed, so a test can see what the cluster handed it.
 */
public final class HashModuloLoadBalancerFactory implements LoadBalancerFactory<Map<String, ?>> {

  private final String name;
  /** The configuration of the last cluster built with this factory. */
  public volatile Map<String, ?> lastConfig;

  /** @param name the name to register, such as {@code bowline.lb.ring_hash} */
  public HashModuloLoadBalancerFactory(String name) {
    this.name = name;
  }

  /** The host a key picks among {@code hostCount} hosts when none is excluded. */
  public static int index(long key, int hostCount) {
    return (int) Long.remainderUnsigned(key, hostCount);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public ConfigOrError<Map<String, ?>> parseConfig(Map<String, ?> raw) {
    lastConfig = Map.copyOf(raw);
    return ConfigOrError.of(raw);
  }

  @Override
  public LoadBalancer newLoadBalancer(Map<String, ?> config, PluginContext context) {
    return hosts -> new ModuloPicker(hosts.toArray(new UpstreamHost[0]));
  }

  private static final class ModuloPicker implements Picker {
    private final UpstreamHost[] hosts;
    private final AtomicInteger next = new AtomicInteger();

    ModuloPicker(UpstreamHost[] hosts) {
      this.hosts = hosts;
    }

    @Override
    public UpstreamHost pick(PickContext context) {
      if (hosts.length == 0) {
        return null;
      }
      int start =
          context.hasHashKey()
              ? index(context.hashKey(), hosts.length)
              : Math.floorMod(next.getAndIncrement(), hosts.length);
      for (int i = 0; i < hosts.length; i++) {
        UpstreamHost host = hosts[(start + i) % hosts.length];
        if (!context.isExcluded(host)) {
          return host;
        }
      }
      return hosts[start];
    }
  }
}
