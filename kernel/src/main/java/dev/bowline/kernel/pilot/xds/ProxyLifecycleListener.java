package dev.bowline.kernel.pilot.xds;

import dev.bowline.kernel.pilot.node.ProxyNode;

/**
 * Told when xDS clients come and go; Pilot's registry uses it for workload self-registration.
 *
 * <p>A node may hold several streams at once (it reconnects before its old stream is closed): the
 * listener hears {@link #connected} when the first stream of a node id opens (and again when a new
 * stream of a connected node announces different metadata), and {@link #disconnected} when the last
 * one closes.
 *
 * <p><b>Threading.</b> Called on one dedicated thread of the xDS server, in the order the events
 * happened, never while the server holds a lock: the listener may call back into the server (for
 * example {@link XdsServer#requestPush(String)}). It should return quickly; an exception it throws
 * is logged and otherwise ignored.
 */
public interface ProxyLifecycleListener {

  /** Does nothing. */
  ProxyLifecycleListener NONE = new ProxyLifecycleListener() {};

  /** {@code node} opened its first stream, or announced new metadata on a new stream. */
  default void connected(ProxyNode node) {}

  /** The last stream of {@code node} closed. */
  default void disconnected(ProxyNode node) {}
}
