package dev.bowline.proxy.xds;

import io.envoyproxy.envoy.config.core.v3.Node;
import java.time.Duration;
import java.util.Objects;

/**
 * How the {@link XdsClient} reaches its control plane.
 *
 * @param target the control plane's ADS address, {@code host:port} (any gRPC target works)
 * @param node who this proxy is: sent on every request, so that the server can pick this node's
 *     snapshot (Envoy's default, {@code set_node_on_first_message_only: false})
 * @param initialBackoff the longest first wait before reconnecting (default 500 ms)
 * @param maxBackoff the longest wait before reconnecting (default 30 s); also caps the pause
 *     before repeating a NACK of the very same response
 *
 * <p>Immutable and thread-safe.
 */
public record XdsClientConfig(
    String target, Node node, Duration initialBackoff, Duration maxBackoff) {

  /** The default {@link #initialBackoff()}. */
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(500);

  /** The default {@link #maxBackoff()}. */
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);

  public XdsClientConfig {
    Objects.requireNonNull(target, "target");
    if (target.isBlank()) {
      throw new IllegalArgumentException("the xDS target is empty");
    }
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (initialBackoff.isNegative() || initialBackoff.isZero()) {
      throw new IllegalArgumentException("initialBackoff must be positive, not " + initialBackoff);
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "maxBackoff " + maxBackoff + " is shorter than initialBackoff " + initialBackoff);
    }
  }

  /** A configuration with the default backoffs. */
  public XdsClientConfig(String target, Node node) {
    this(target, node, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF);
  }
}
