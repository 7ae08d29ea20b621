package dev.bowline.spi.lb;

/**
 * Chooses the host for one request. Immutable with respect to its host set (made by
 * {@link LoadBalancer#newPicker(java.util.List)}), though it may keep lock-free counters such as a
 * round-robin index.
 *
 * <p><b>Threading.</b> Called on proxy event loops, concurrently from several threads. It must
 * never block, never take a lock that an event loop could wait on, and should not allocate.
 */
public interface Picker {

  /**
   * Picks a host.
   *
   * @param context facts about the request that some algorithms use (hash key, hosts already
   *     tried); {@link PickContext#NONE} when there are none
   * @return the chosen host, or {@code null} when there is no host to choose (the proxy then
   *     answers 503 with response flag UH)
   */
  UpstreamHost pick(PickContext context);
}
