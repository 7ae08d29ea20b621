package dev.bowline.spi.plugin;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The factories of one extension point, by name: after grpc-java's {@code LoadBalancerRegistry}.
 * Several factories may register the same name; {@link #get(String)} returns the available one
 * with the highest priority, so a plugin can replace a built-in implementation.
 *
 * <p><b>Threading.</b> Thread-safe. Registration takes a lock and publishes a new immutable
 * snapshot; lookups read the current snapshot without locking, so they are cheap on any thread.
 *
 * @param <F> the factory type of the extension point
 */
public final class FactoryRegistry<F extends NamedFactory<?>> {

  private static final Comparator<NamedFactory<?>> HIGHEST_PRIORITY_FIRST =
      Comparator.<NamedFactory<?>>comparingInt(NamedFactory::priority).reversed();

  private final String extensionPoint;
  private volatile Map<String, List<F>> byName = Map.of();

  /**
   * @param extensionPoint the extension point's name, used in error messages (e.g.
   *     {@code "load balancer"})
   */
  public FactoryRegistry(String extensionPoint) {
    this.extensionPoint = extensionPoint;
  }

  /**
   * Adds a factory.
   *
   * @throws IllegalArgumentException if its name is not canonical or its priority is outside 0..10
   */
  public synchronized void register(F factory) {
    String name = CanonicalName.require(factory.name());
    if (factory.priority() < 0 || factory.priority() > 10) {
      throw new IllegalArgumentException(
          extensionPoint + " '" + name + "' has priority " + factory.priority()
              + "; priorities run from 0 to 10");
    }
    Map<String, List<F>> next = new TreeMap<>(byName);
    List<F> candidates = new ArrayList<>(next.getOrDefault(name, List.of()));
    candidates.add(factory);
    candidates.sort(HIGHEST_PRIORITY_FIRST);
    next.put(name, List.copyOf(candidates));
    byName = Map.copyOf(next);
  }

  /** The available factory with this name and the highest priority, if any. */
  public Optional<F> get(String name) {
    for (F candidate : byName.getOrDefault(name, List.of())) {
      if (candidate.isAvailable()) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /**
   * The factory with this name.
   *
   * @throws IllegalArgumentException naming the missing extension and the names that exist
   */
  public F require(String name) {
    return get(name)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no " + extensionPoint + " named '" + name + "' is available; known: "
                        + new TreeMap<>(byName).keySet()));
  }

  /** Every registered name, sorted. */
  public List<String> names() {
    return List.copyOf(new TreeMap<>(byName).keySet());
  }
}
