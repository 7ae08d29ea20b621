package dev.bowline.spi.plugin;

import java.util.Map;
import org.pf4j.ExtensionPoint;

/**
 * The shape shared by every Bowline extension point: a stateless, named factory that a plugin
 * contributes and the host discovers, validates and uses to make instances whose lifecycle the
 * host owns. Modeled on grpc-java's {@code LoadBalancerProvider}.
 *
 * <p>Each extension point is a sub-interface (for example
 * {@link dev.bowline.spi.lb.LoadBalancerFactory}) that adds the method making its instance.
 *
 * <p><b>Naming.</b> {@link #name()} is a canonical dotted name such as
 * {@code bowline.lb.least_request}: lowercase, dot-separated segments of letters, digits and
 * underscores (see {@link CanonicalName}). When two factories of one extension point share a
 * name, the host uses the available one with the highest {@link #priority()}.
 *
 * <p><b>Threading.</b> Implementations must be stateless and thread-safe: the host may call any
 * method from any thread, concurrently. {@link #parseConfig(Map)} must not block and must not
 * throw for bad input; it reports problems as a {@link ConfigOrError} instead.
 *
 * @param <C> the validated configuration type this factory understands
 */
public interface NamedFactory<C> extends ExtensionPoint {

  /** The default priority, in the middle of the 0..10 range, as grpc-java does. */
  int DEFAULT_PRIORITY = 5;

  /** The canonical dotted name, unique within the extension point, e.g. {@code bowline.lb.random}. */
  String name();

  /**
   * Priority among factories with the same name, 0 (lowest) to 10 (highest). Lets a plugin
   * replace a built-in implementation by registering the same name with a higher priority.
   */
  default int priority() {
    return DEFAULT_PRIORITY;
  }

  /**
   * Whether this factory can be used in this process (for example, a native library is present).
   * An unavailable factory is listed but never chosen.
   */
  default boolean isAvailable() {
    return true;
  }

  /** Descriptive metadata shown by {@code bowlinectl plugins}: maturity and security posture. */
  default ExtensionMetadata metadata() {
    return ExtensionMetadata.DEFAULT;
  }

  /**
   * Parses and validates raw configuration (the YAML or JSON tree given for this extension) into
   * the value the factory's {@code create} method takes.
   *
   * @param raw the configuration tree: maps, lists, strings, numbers and booleans; never null,
   *     empty when the operator configured nothing
   * @return the parsed value, or the errors, each naming the offending field
   */
  ConfigOrError<C> parseConfig(Map<String, ?> raw);
}
