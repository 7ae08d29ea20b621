package dev.bowline.spi.lb.testing;

import dev.bowline.spi.lb.UpstreamHost;
import dev.bowline.spi.model.Endpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A host for balancer tests (shared through bowline-spi's test jar): a numbered endpoint with a weight and a settable active-request count. */
public final class TestHost implements UpstreamHost {

  public final int index;
  private final Endpoint endpoint;
  private final AtomicInteger active = new AtomicInteger();

  public TestHost(int index, int weight) {
    this.index = index;
    this.endpoint = Endpoint.of("10.0.0." + (index + 1), 8080).withWeight(weight);
  }

  /** Hosts numbered 0, 1, ... with these weights. */
  public static List<UpstreamHost> withWeights(int... weights) {
    List<UpstreamHost> hosts = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      hosts.add(new TestHost(i, weights[i]));
    }
    return List.copyOf(hosts);
  }

  /** Hosts of weight 1 with these numbers of active requests. */
  public static List<UpstreamHost> loadedWith(int... active) {
    List<UpstreamHost> hosts = new ArrayList<>();
    for (int i = 0; i < active.length; i++) {
      hosts.add(new TestHost(i, 1).withActive(active[i]));
    }
    return List.copyOf(hosts);
  }

  /** {@code count} hosts of weight 1. */
  public static List<UpstreamHost> even(int count) {
    int[] weights = new int[count];
    java.util.Arrays.fill(weights, 1);
    return withWeights(weights);
  }

  public static int indexOf(UpstreamHost host) {
    return ((TestHost) host).index;
  }

  public TestHost withActive(int requests) {
    active.set(requests);
    return this;
  }

  @Override
  public Endpoint endpoint() {
    return endpoint;
  }

  @Override
  public int activeRequests() {
    return active.get();
  }

  @Override
  public String toString() {
    return "host" + index + "(w=" + endpoint.weight() + ")";
  }
}
