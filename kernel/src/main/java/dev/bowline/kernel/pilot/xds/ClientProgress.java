package dev.bowline.kernel.pilot.xds;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a client has asked for and answered, as far as publishing make-before-break needs to know.
 *
 * <p><b>Threading.</b> Implementations are thread-safe.
 */
interface ClientProgress {

  /**
   * The names the client currently subscribes to for {@code type} on its newest stream that
   * subscribed to it: empty if it never subscribed, an empty list for a wildcard subscription.
   */
  Optional<List<String>> subscription(String nodeId, XdsResourceType type);

  /**
   * Whether the client has answered (acknowledged or rejected) a response of {@code type} carrying
   * {@code version} that was sent for a subscription covering every name in {@code names}. A client
   * that never subscribed to the type has answered exactly when {@code names} is empty.
   */
  boolean answered(String nodeId, XdsResourceType type, String version, Set<String> names);
}
