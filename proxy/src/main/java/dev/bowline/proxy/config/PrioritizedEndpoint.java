package dev.bowline.proxy.config;

import dev.bowline.spi.model.Endpoint;
import java.util.Objects;

/**
 * One endpoint of a cluster with the priority level of its {@code LocalityLbEndpoints} (Envoy's
 * {@code endpoints[].priority}): 0 is the highest, and traffic goes to a lower level only as the
 * higher ones lose health.
 *
 * @param endpoint the endpoint
 * @param priority its priority level, 0 or more
 */
public record PrioritizedEndpoint(Endpoint endpoint, int priority) {

  public PrioritizedEndpoint {
    Objects.requireNonNull(endpoint, "endpoint");
    if (priority < 0) {
      throw new IllegalArgumentException("priority " + priority + " is negative");
    }
  }
}
