package dev.bowline.spi.lb.testing;

import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.lb.UpstreamHost;
import java.util.Set;

/** A pick context for a retry that excludes the given hosts. */
public record ExcludingContext(Set<UpstreamHost> excluded) implements PickContext {

  public static ExcludingContext excluding(UpstreamHost... hosts) {
    return new ExcludingContext(Set.of(hosts));
  }

  @Override
  public boolean isExcluded(UpstreamHost host) {
    return excluded.contains(host);
  }
}
