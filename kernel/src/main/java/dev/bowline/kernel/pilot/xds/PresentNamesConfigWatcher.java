package dev.bowline.kernel.pilot.xds;

import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.DeltaResponse;
import io.envoyproxy.controlplane.cache.DeltaWatch;
import io.envoyproxy.controlplane.cache.DeltaXdsRequest;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.XdsRequest;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Makes java-control-plane's {@code SimpleCache} answer a subscription to named resources with
 * every subscribed name the snapshot holds, even when some subscribed name is missing.
 *
 * <p>In ADS mode, SimpleCache (1.0.49) does not answer a watch naming a resource its snapshot
 * lacks; worse, when a new snapshot arrives it drops such a watch without answering it, so the
 * client never hears of that type again until it sends another request. A proxyless gRPC client
 * that subscribes to a listener Pilot does not have (yet) would wait 15 seconds and then stall.
 * Outside ADS mode it answers with the subscribed names it has, which is what the xDS protocol asks
 * of a state-of-the-world server (a missing listener or cluster then reads as "does not exist").
 * So this wrapper asks the cache for that behaviour on ADS streams too. Ordering across types does
 * not depend on it: make-before-break is done by {@link SnapshotPublisher}.
 *
 * <p><b>Threading.</b> As thread-safe as the wrapped watcher.
 */
final class PresentNamesConfigWatcher implements ConfigWatcher {

  private final ConfigWatcher cache;

  PresentNamesConfigWatcher(ConfigWatcher cache) {
    this.cache = cache;
  }

  @Override
  public Watch createWatch(
      boolean ads,
      XdsRequest request,
      Set<String> knownResourceNames,
      Consumer<Response> responseConsumer,
      boolean hasClusterChanged,
      boolean allowDefaultEmptyEdsUpdate) {
    return cache.createWatch(
        false,
        request,
        knownResourceNames,
        responseConsumer,
        hasClusterChanged,
        allowDefaultEmptyEdsUpdate);
  }

  @Override
  public DeltaWatch createDeltaWatch(
      DeltaXdsRequest request,
      String requesterVersion,
      Map<String, String> resourceVersions,
      Set<String> pendingResources,
      boolean isWildcard,
      Consumer<DeltaResponse> responseConsumer,
      boolean hasClusterChanged) {
    return cache.createDeltaWatch(
        request,
        requesterVersion,
        resourceVersions,
        pendingResources,
        isWildcard,
        responseConsumer,
        hasClusterChanged);
  }
}
