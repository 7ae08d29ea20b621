package dev.bowline.kernel.pilot.xds;

import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.DeltaResponse;
import io.envoyproxy.controlplane.cache.DeltaWatch;
import io.envoyproxy.controlplane.cache.DeltaXdsRequest;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.XdsRequest;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Passes every EDS response of the wrapped watcher through {@link ChangedAssignments}, so that a
 * client is sent only the assignments it does not hold yet, and tells the wrapped watcher every
 * name the client holds ({@link ChangedAssignments#held}), not only those of the last, trimmed,
 * response. Other types, and delta xDS, pass through unchanged.
 *
 * <p><b>Threading.</b> As thread-safe as the wrapped watcher and the filter.
 */
final class ChangedAssignmentsConfigWatcher implements ConfigWatcher {

  private final ConfigWatcher watcher;
  private final ChangedAssignments filter;

  ChangedAssignmentsConfigWatcher(ConfigWatcher watcher, ChangedAssignments filter) {
    this.watcher = watcher;
    this.filter = filter;
  }

  @Override
  public Watch createWatch(
      boolean ads,
      XdsRequest request,
      Set<String> knownResourceNames,
      Consumer<Response> responseConsumer,
      boolean hasClusterChanged,
      boolean allowDefaultEmptyEdsUpdate) {
    if (!XdsResourceType.ENDPOINTS.typeUrl().equals(request.getTypeUrl())) {
      return watcher.createWatch(
          ads,
          request,
          knownResourceNames,
          responseConsumer,
          hasClusterChanged,
          allowDefaultEmptyEdsUpdate);
    }
    Set<String> held = filter.held(request);
    Set<String> known = knownResourceNames;
    if (!held.isEmpty() && !knownResourceNames.containsAll(held)) {
      known = new HashSet<>(knownResourceNames);
      known.addAll(held);
    }
    return watcher.createWatch(
        ads,
        request,
        known,
        response -> responseConsumer.accept(filter.trim(response)),
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
    return watcher.createDeltaWatch(
        request,
        requesterVersion,
        resourceVersions,
        pendingResources,
        isWildcard,
        responseConsumer,
        hasClusterChanged);
  }
}
