package dev.bowline.kernel.pilot.xds;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The content of recent EDS versions: for each version string Pilot published, the digest of
 * every assignment in it, by cluster name. {@link ChangedAssignments} compares the version a
 * client holds with the one it is about to receive, to send only the assignments that differ.
 *
 * <p>Bounded: the least recently used versions are forgotten beyond the capacity (a client still
 * holding one then simply gets every assignment again). Only names and digest strings are kept,
 * never the assignments themselves.
 *
 * <p><b>Threading.</b> Thread-safe: the publisher records on the push thread; lookups come from the
 * push thread and gRPC threads. The maps handed in must not change afterwards.
 */
final class AssignmentDigests {

  /** Enough for every namespace's version over several pushes in a large mesh. */
  static final int DEFAULT_CAPACITY = 256;

  private final Map<String, Map<String, String>> byVersion;

  AssignmentDigests() {
    this(DEFAULT_CAPACITY);
  }

  AssignmentDigests(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    this.byVersion =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Map<String, String>> eldest) {
            return size() > capacity;
          }
        };
  }

  /** Records that {@code version} holds assignments with these digests, by cluster name. */
  synchronized void record(String version, Map<String, String> digestsByName) {
    byVersion.putIfAbsent(
        Objects.requireNonNull(version, "version"),
        Objects.requireNonNull(digestsByName, "digestsByName"));
  }

  /** The digests of {@code version}, by cluster name, or null when it is not (or no more) known. */
  synchronized Map<String, String> of(String version) {
    return byVersion.get(version);
  }
}
