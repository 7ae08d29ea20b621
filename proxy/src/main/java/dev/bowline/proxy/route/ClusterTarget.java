package dev.bowline.proxy.route;

import java.util.Optional;

/**
 * One upstream cluster a {@link ForwardAction} may send a request to, with everything that depends
 * on the choice: for a {@code weighted_clusters} entry, its own header mutations and host rewrite
 * merged with the route's.
 *
 * <p>The data path applies, in Envoy's order: {@link #requestHeaders()}, then the {@link
 * #hostRewrite()}, then {@link ForwardAction#rewritePath}. Immutable and thread-safe.
 */
public final class ClusterTarget {

  private final String name;
  private final long weight;
  private final Optional<String> hostRewrite;
  private final HeaderMutations requestHeaders;
  private final HeaderMutations responseHeaders;

  ClusterTarget(
      String name,
      long weight,
      String hostRewrite,
      HeaderMutations requestHeaders,
      HeaderMutations responseHeaders) {
    this.name = name;
    this.weight = weight;
    this.hostRewrite = Optional.ofNullable(hostRewrite);
    this.requestHeaders = requestHeaders;
    this.responseHeaders = responseHeaders;
  }

  /** The cluster name, as in the {@code Cluster} resource. */
  public String name() {
    return name;
  }

  /** The weight, 0 to 2^32 - 1 ({@code 1} for a route with a single {@code cluster}). */
  public long weight() {
    return weight;
  }

  /**
   * The authority to send upstream instead of the request's: the route's {@code
   * host_rewrite_literal} if set, else this weighted cluster's.
   */
  public Optional<String> hostRewrite() {
    return hostRewrite;
  }

  /**
   * The request header changes: this weighted cluster's, then the route's, virtual host's and route
   * configuration's (see {@link HeaderMutations} for the order).
   */
  public HeaderMutations requestHeaders() {
    return requestHeaders;
  }

  /** The response header changes, merged like {@link #requestHeaders()}. */
  public HeaderMutations responseHeaders() {
    return responseHeaders;
  }

  @Override
  public String toString() {
    return name + "(" + weight + ")";
  }
}
