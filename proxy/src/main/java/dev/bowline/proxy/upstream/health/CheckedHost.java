package dev.bowline.proxy.upstream.health;

import java.net.InetSocketAddress;

/**
 * A host as the health checker sees it: where to connect and where to record the result.
 * Implemented by the cluster's hosts.
 */
public interface CheckedHost {

  /** The address health checks connect to (an IP literal and port). */
  InetSocketAddress checkAddress();

  /** The host's active-health state. */
  ActiveHealth activeHealth();
}
