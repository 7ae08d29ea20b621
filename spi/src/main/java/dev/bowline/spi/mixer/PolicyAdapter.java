package dev.bowline.spi.mixer;

import java.util.concurrent.CompletionStage;

/**
 * Decides whether a request may proceed. Mixer caches the answer for
 * {@link CheckResult#validDuration()}, keyed on the attributes listed in
 * {@link CheckResult#referencedAttributes()}, so an adapter should name every attribute it read.
 *
 * <p><b>Threading.</b> {@link #check(Attributes)} may be called concurrently from Mixer's worker
 * threads. It must return promptly: an adapter that needs I/O completes the stage later, from its
 * own thread, rather than blocking the caller.
 */
public interface PolicyAdapter extends AutoCloseable {

  /** Checks one request's attributes. The stage never completes exceptionally for a denial. */
  CompletionStage<CheckResult> check(Attributes attributes);

  /** Releases resources; called once by the host when the adapter is replaced or the host stops. */
  @Override
  default void close() {}
}
