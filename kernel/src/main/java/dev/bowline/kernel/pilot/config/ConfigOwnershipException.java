package dev.bowline.kernel.pilot.config;

/**
 * Thrown when a resource owned by one source (a config file, the API) is to be changed through
 * another: the message names the resource and its owner. An API layer answers it with 409.
 */
public final class ConfigOwnershipException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  private final transient ConfigKey key;
  private final String owner;

  /** An exception about {@code key}, owned by {@code owner}, with the operator's message. */
  public ConfigOwnershipException(ConfigKey key, String owner, String message) {
    super(message);
    this.key = key;
    this.owner = owner;
  }

  /** The resource. */
  public ConfigKey key() {
    return key;
  }

  /** The source that owns it, such as {@code file:/etc/bowline/istio/reviews.yaml}. */
  public String owner() {
    return owner;
  }
}
