package dev.bowline.spi.lb;

import dev.bowline.spi.model.Endpoint;

/**
 * One host of a cluster as a picker sees it: the endpoint and the live load the proxy measures.
 * Implemented by the proxy.
 *
 * <p><b>Threading.</b> Safe to read from any thread; {@link #activeRequests()} is a volatile read of
 * a counter other threads change, so two reads may differ.
 */
public interface UpstreamHost {

  /** The endpoint this host stands for. */
  Endpoint endpoint();

  /** The load-balancing weight, at least 1. */
  default int weight() {
    return endpoint().weight();
  }

  /** Requests sent to this host that have not completed yet, across all event loops. */
  int activeRequests();
}
