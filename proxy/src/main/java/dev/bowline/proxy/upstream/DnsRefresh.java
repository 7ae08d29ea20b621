package dev.bowline.proxy.upstream;

import dev.bowline.proxy.config.ClusterConfig.DnsLookupFamily;
import dev.bowline.proxy.config.ClusterConfig.DnsSettings;
import dev.bowline.proxy.config.PrioritizedEndpoint;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.spi.model.Endpoint;
import dev.bowline.spi.plugin.PluginMetrics.Counter;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a STRICT_DNS or LOGICAL_DNS cluster's hosts: resolves its names with the JDK resolver
 * ({@link InetAddress#getAllByName}) now and every {@code dns_refresh_rate}, and hands the IP
 * endpoints to {@link Cluster#updateAssignment}, each with its name's priority and the
 * assignment's policy. STRICT_DNS makes every address a host; LOGICAL_DNS only the first. Each name keeps its last good addresses when a resolution fails (or
 * none, before its first success); failures are logged and counted as
 * {@code envoy_cluster_update_failure}, successes as {@code envoy_cluster_update_success}.
 *
 * <p><b>Threading.</b> Runs only on the cluster manager's resolver threads, never on an event
 * loop; one resolution of a cluster at a time (fixed-delay scheduling).
 */
final class DnsRefresh implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(DnsRefresh.class);

  /** Looks a name up; the JDK resolver in production. */
  interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  private final Cluster cluster;
  private final DnsSettings dns;
  private final Resolver resolver;
  private final Counter failures;
  private final Counter successes;
  /** The last good endpoints of each target (null before its first success). */
  private final List<List<Endpoint>> lastGood;
  /** Whether each target's last resolution failed (repeated failures log at debug only). */
  private final boolean[] failing;
  private final CountDownLatch firstRound = new CountDownLatch(1);
  private volatile ScheduledFuture<?> schedule;

  DnsRefresh(Cluster cluster, DnsSettings dns, Resolver resolver, MetricRegistry metrics) {
    this.cluster = cluster;
    this.dns = dns;
    this.resolver = resolver;
    Map<String, String> labels = Map.of("envoy_cluster_name", cluster.name());
    this.failures =
        metrics.counter("envoy_cluster_update_failure", "DNS resolutions of the cluster that failed.", labels);
    this.successes =
        metrics.counter("envoy_cluster_update_success", "DNS resolutions of the cluster that succeeded.", labels);
    this.failing = new boolean[dns.targets().size()];
    this.lastGood = new ArrayList<>(dns.targets().size());
    for (int i = 0; i < dns.targets().size(); i++) {
      lastGood.add(null);
    }
  }

  /** Resolves now, then every refresh rate after each resolution ends. */
  void start(ScheduledExecutorService executor) {
    schedule =
        executor.scheduleWithFixedDelay(
            this, 0, dns.refreshRate().toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Stops refreshing (a resolution in progress finishes, its result is still published). */
  void stop() {
    ScheduledFuture<?> s = schedule;
    if (s != null) {
      s.cancel(false);
    }
    firstRound.countDown();
  }

  /** Waits up to {@code nanos} for the first round of resolutions; false on time-out. */
  boolean awaitFirstRound(long nanos) throws InterruptedException {
    return firstRound.await(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void run() {
    try {
      resolveAll();
    } catch (RuntimeException e) {
      LOG.warn("cluster {}: DNS refresh failed", cluster.name(), e);
    } finally {
      firstRound.countDown();
    }
  }

  private void resolveAll() {
    boolean changed = false;
    for (int i = 0; i < dns.targets().size(); i++) {
      Endpoint target = dns.targets().get(i);
      List<Endpoint> resolved = resolve(target, failing[i]);
      failing[i] = resolved == null;
      if (resolved == null) {
        failures.increment();
        continue;
      }
      successes.increment();
      if (!resolved.equals(lastGood.get(i))) {
        lastGood.set(i, resolved);
        changed = true;
      }
    }
    if (changed) {
      List<PrioritizedEndpoint> all = new ArrayList<>();
      for (int i = 0; i < lastGood.size(); i++) {
        List<Endpoint> hosts = lastGood.get(i);
        if (hosts != null) {
          int priority = dns.assignment().endpoints().get(i).priority();
          hosts.forEach(h -> all.add(new PrioritizedEndpoint(h, priority)));
        }
      }
      cluster.updateAssignment(dns.assignment().withEndpoints(all));
      LOG.debug("cluster {}: DNS hosts now {}", cluster.name(), all);
    }
  }

  /** The target's IP endpoints, or null after logging a failure. */
  private List<Endpoint> resolve(Endpoint target, boolean failedBefore) {
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(target.address());
    } catch (UnknownHostException | SecurityException e) {
      log(failedBefore, "cannot resolve '" + target.address() + "' (" + e + ")");
      return null;
    }
    List<InetAddress> kept = select(addresses, dns.lookupFamily());
    if (kept.isEmpty()) {
      log(failedBefore, "'" + target.address() + "' has no " + dns.lookupFamily() + " address");
      return null;
    }
    if (!dns.strict()) {
      kept = kept.subList(0, 1);
    }
    List<Endpoint> endpoints = new ArrayList<>(kept.size());
    for (InetAddress ip : kept) {
      endpoints.add(
          new Endpoint(
              ip.getHostAddress(),
              target.port(),
              target.labels(),
              target.locality(),
              target.weight(),
              target.health()));
    }
    return List.copyOf(endpoints);
  }

  private void log(boolean failedBefore, String problem) {
    if (failedBefore) {
      LOG.debug("cluster {}: {}; keeping the last good hosts", cluster.name(), problem);
    } else {
      LOG.warn("cluster {}: {}; keeping the last good hosts", cluster.name(), problem);
    }
  }

  /** The addresses {@code family} keeps, in the resolver's order. */
  static List<InetAddress> select(InetAddress[] addresses, DnsLookupFamily family) {
    List<InetAddress> v4 = new ArrayList<>();
    List<InetAddress> v6 = new ArrayList<>();
    List<InetAddress> all = new ArrayList<>();
    for (InetAddress a : addresses) {
      if (a instanceof Inet4Address) {
        v4.add(a);
        all.add(a);
      } else if (a instanceof Inet6Address) {
        v6.add(a);
        all.add(a);
      }
    }
    switch (family) {
      case V4_ONLY:
        return v4;
      case V6_ONLY:
        return v6;
      case AUTO:
        return v6.isEmpty() ? v4 : v6;
      case V4_PREFERRED:
        return v4.isEmpty() ? v6 : v4;
      case ALL:
      default:
        return all;
    }
  }
}
