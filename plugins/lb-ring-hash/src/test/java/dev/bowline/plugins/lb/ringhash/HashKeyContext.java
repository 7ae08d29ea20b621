package dev.bowline.plugins.lb.ringhash;

import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.lb.UpstreamHost;
import java.util.Set;

/** A pick context for a request with a hash key, possibly a retry that excludes some hosts. */
record HashKeyContext(long key, Set<UpstreamHost> excluded) implements PickContext {

  static HashKeyContext key(long key) {
    return new HashKeyContext(key, Set.of());
  }

  static HashKeyContext keyExcluding(long key, UpstreamHost... hosts) {
    return new HashKeyContext(key, Set.of(hosts));
  }

  @Override
  public boolean hasHashKey() {
    return true;
  }

  @Override
  public long hashKey() {
    return key;
  }

  @Override
  public boolean isExcluded(UpstreamHost host) {
    return excluded.contains(host);
  }
}
