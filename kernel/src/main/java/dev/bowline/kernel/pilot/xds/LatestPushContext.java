package dev.bowline.kernel.pilot.xds;

import dev.bowline.kernel.pilot.translate.PushContext;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The push context to translate under now. Reads a new one from the server's supplier each time,
 * but hands back the previous instance when the new one holds the very same config snapshot and
 * registry snapshot (by identity: the stores make a new snapshot for every change) and equal mesh
 * settings. A generator that memoizes per context instance, such as the translator's {@code
 * TranslationCache}, so stays warm from one push to the next and for clients that connect between
 * pushes, and every client gets the same resource objects; a new instance, and so a new memo,
 * comes only when the config or the registry changed.
 *
 * <p><b>Threading.</b> Not thread-safe: the server reads it on its push thread only.
 */
final class LatestPushContext {

  private final Supplier<PushContext> source;
  private PushContext latest;

  /** Contexts read from {@code source}. */
  LatestPushContext(Supplier<PushContext> source) {
    this.source = Objects.requireNonNull(source, "source");
  }

  /**
   * The context now: the previous instance if nothing in it changed, else the new one.
   *
   * @throws RuntimeException the supplier failed or returned null
   */
  PushContext read() {
    PushContext fresh =
        Objects.requireNonNull(source.get(), "the push context supplier returned null");
    PushContext previous = latest;
    if (previous != null
        && previous.config() == fresh.config()
        && previous.registry() == fresh.registry()
        && previous.mesh().equals(fresh.mesh())) {
      return previous;
    }
    latest = fresh;
    return fresh;
  }
}
