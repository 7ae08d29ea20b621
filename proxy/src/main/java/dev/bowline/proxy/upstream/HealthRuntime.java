package dev.bowline.proxy.upstream;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What clusters need to judge their hosts' health, shared by all the clusters of a {@link
 * ClusterManager}: one control thread (created when a cluster first needs it) on which outlier
 * detectors run and pickers are rebuilt after a host's health changes, and, for active health
 * checks, the proxy's event loops and connector.
 *
 * <p>The control thread is a Netty executor: handing it work from an event loop never blocks.
 *
 * <p>Thread-safe.
 */
final class HealthRuntime {

  /** No event loops: clusters with health checks cannot run (tests of other things). */
  static HealthRuntime withoutEventLoops() {
    return new HealthRuntime(null, null);
  }

  private final EventLoopGroup loops;
  private final UpstreamConnector connector;
  private EventExecutor control;
  private boolean closed;

  /**
   * @param loops the event loops health checks run on, or null
   * @param connector opens health-check connections, or null
   */
  HealthRuntime(EventLoopGroup loops, UpstreamConnector connector) {
    this.loops = loops;
    this.connector = connector;
  }

  /** The proxy's event loops, when health checks can run. */
  Optional<EventLoopGroup> loops() {
    return Optional.ofNullable(loops);
  }

  /** The connector for health checks (present with the loops). */
  UpstreamConnector connector() {
    return connector;
  }

  /** The control thread, created on first use. */
  synchronized EventExecutor control() {
    if (closed) {
      throw new IllegalStateException("the cluster manager is closed");
    }
    if (control == null) {
      control = new DefaultEventExecutor(new DefaultThreadFactory("bowline-upstream-health", true));
    }
    return control;
  }

  /** Stops the control thread. Idempotent. */
  synchronized void close() {
    closed = true;
    if (control != null) {
      control.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      control = null;
    }
  }
}
