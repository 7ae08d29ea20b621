package dev.bowline.proxy.upstream.lb;

import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.lb.Picker;
import dev.bowline.spi.lb.UpstreamHost;
import java.util.Objects;

/**
 * The picker of a cluster with exactly one host: always that host, even when the request excludes
 * it (there is nothing else to prefer).
 *
 * <p>Immutable and thread-safe.
 */
final class SingleHostPicker implements Picker {

  private final UpstreamHost host;

  SingleHostPicker(UpstreamHost host) {
    this.host = Objects.requireNonNull(host, "host");
  }

  @Override
  public UpstreamHost pick(PickContext context) {
    return host;
  }

  @Override
  public String toString() {
    return "SingleHostPicker{" + host + "}";
  }
}
