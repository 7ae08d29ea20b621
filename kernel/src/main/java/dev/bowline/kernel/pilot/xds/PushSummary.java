package dev.bowline.kernel.pilot.xds;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one push did: for the API and the dashboard. Immutable.
 *
 * @param number the push counter (the first push is 1); also the first part of the versions it
 *     produced
 * @param reasons the distinct reasons given to {@link XdsServer#requestPush(String)} that this push
 *     coalesced, in the order first seen (at most {@value PushDebouncer#MAX_REASONS})
 * @param requests how many push requests it coalesced
 * @param proxies how many clients it generated resources for
 * @param failures how many of those the generator failed for (they kept their resources)
 * @param took how long generating and publishing took
 * @param finishedAt when it finished
 */
public record PushSummary(
    long number,
    List<String> reasons,
    int requests,
    int proxies,
    int failures,
    Duration took,
    Instant finishedAt) {

  public PushSummary {
    reasons = List.copyOf(reasons);
    Objects.requireNonNull(took, "took");
    Objects.requireNonNull(finishedAt, "finishedAt");
  }
}
