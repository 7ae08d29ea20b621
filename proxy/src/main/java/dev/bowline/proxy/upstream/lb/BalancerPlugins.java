package dev.bowline.proxy.upstream.lb;

import java.util.Map;
import java.util.Optional;

/**
 * Which plugin shipped with Bowline provides each balancer that is not built into the proxy, so
 * that a cluster naming a missing one can say what to install: {@code bowline.lb.least_request}
 * comes with {@code lb-least-request}, {@code bowline.lb.ring_hash} and {@code bowline.lb.maglev}
 * with {@code lb-ring-hash}.
 *
 * <p>Stateless and thread-safe.
 */
public final class BalancerPlugins {

  private static final Map<String, String> PLUGIN_OF =
      Map.of(
          "bowline.lb.least_request", "lb-least-request",
          "bowline.lb.ring_hash", "lb-ring-hash",
          "bowline.lb.maglev", "lb-ring-hash");

  private BalancerPlugins() {}

  /** The id of the shipped plugin that provides {@code balancer}, if one does. */
  public static Optional<String> pluginFor(String balancer) {
    return Optional.ofNullable(PLUGIN_OF.get(balancer));
  }
}
