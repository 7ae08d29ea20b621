package dev.bowline.proxy.upstream.lb;

import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.lb.Picker;
import dev.bowline.spi.lb.UpstreamHost;

/**
 * The picker of a cluster with no hosts: always {@code null}, so the proxy answers 503 with
 * response flag UH.
 *
 * <p>Stateless and thread-safe.
 */
enum EmptyPicker implements Picker {
  INSTANCE;

  @Override
  public UpstreamHost pick(PickContext context) {
    return null;
  }
}
