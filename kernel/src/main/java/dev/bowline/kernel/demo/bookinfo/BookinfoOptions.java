package dev.bowline.kernel.demo.bookinfo;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * How one Bookinfo service instance runs. Immutable; the {@code with...} methods return copies.
 *
 * @param kind which service
 * @param version its version ({@link BookinfoKind#versions()})
 * @param listen the address it listens on (port 0: any free port)
 * @param upstreams how it reaches the services it calls; must reach every service of
 *     {@link BookinfoKind#calls(String)}
 * @param timeouts the timeouts of its calls
 * @param podName what reviews reports as {@code podname}; empty: {@code <service>-<version>-<port>}
 * @param clusterName what reviews reports as {@code clustername}; empty: {@code "null"}, as the
 *     original does when it is not set
 */
public record BookinfoOptions(
    BookinfoKind kind,
    String version,
    InetSocketAddress listen,
    Upstreams upstreams,
    BookinfoTimeouts timeouts,
    Optional<String> podName,
    Optional<String> clusterName) {

  public BookinfoOptions {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(upstreams, "upstreams");
    Objects.requireNonNull(timeouts, "timeouts");
    Objects.requireNonNull(podName, "podName");
    Objects.requireNonNull(clusterName, "clusterName");
    if (!kind.versions().contains(version)) {
      throw new IllegalArgumentException("version: " + kind.serviceName() + " has versions "
          + String.join(", ", kind.versions()) + "; got '" + version + "'");
    }
    TreeSet<String> unreachable = new TreeSet<>();
    for (String s : kind.calls(version)) {
      if (!upstreams.reaches(s)) {
        unreachable.add(s);
      }
    }
    if (!unreachable.isEmpty()) {
      throw new IllegalArgumentException("upstreams: " + kind.serviceName() + " " + version
          + " calls " + String.join(", ", unreachable) + ", which the upstreams do not reach");
    }
  }

  /**
   * An instance listening on {@code 127.0.0.1:<port>} (0: any free port), with the original's
   * timeouts.
   */
  public static BookinfoOptions of(BookinfoKind kind, String version, int port, Upstreams upstreams) {
    return new BookinfoOptions(kind, version, new InetSocketAddress("127.0.0.1", port), upstreams,
        BookinfoTimeouts.ORIGINAL, Optional.empty(), Optional.empty());
  }

  /** A copy with these timeouts. */
  public BookinfoOptions withTimeouts(BookinfoTimeouts timeouts) {
    return new BookinfoOptions(kind, version, listen, upstreams, timeouts, podName, clusterName);
  }

  /** A copy that reports {@code podName} (reviews). */
  public BookinfoOptions withPodName(String podName) {
    return new BookinfoOptions(
        kind, version, listen, upstreams, timeouts, Optional.of(podName), clusterName);
  }

  /** A copy that reports {@code clusterName} (reviews). */
  public BookinfoOptions withClusterName(String clusterName) {
    return new BookinfoOptions(
        kind, version, listen, upstreams, timeouts, podName, Optional.of(clusterName));
  }
}
