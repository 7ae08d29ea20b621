package dev.bowline.kernel.pilot.xds;

import dev.bowline.kernel.pilot.node.ProxyNode;
import dev.bowline.kernel.pilot.translate.ProxyResources;
import dev.bowline.kernel.pilot.translate.PushContext;

/**
 * Turns the inputs of a push into the resources one client should hold. The xDS server calls it
 * once per connected client per push, always with the same {@link PushContext} for every client of
 * one push, so an implementation should memoize whatever it can share across clients for that
 * context.
 *
 * <p><b>Threading.</b> Called on the xDS server's single push thread only, never concurrently. It
 * must not block on anything the push thread itself would have to do (such as waiting for another
 * push).
 */
@FunctionalInterface
public interface ResourceGenerator {

  /**
   * The resources {@code node} should hold under {@code context}.
   *
   * @throws RuntimeException the client keeps what it has; the server logs the failure with the
   *     node id and tries again at the next push
   */
  ProxyResources generate(ProxyNode node, PushContext context);
}
