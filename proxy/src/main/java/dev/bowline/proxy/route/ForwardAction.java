package dev.bowline.proxy.route;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Envoy's {@code route} action: forward the request upstream to a cluster (or one of weighted
 * clusters), with an optional path rewrite, timeouts, retry policy, hash policy and mirrors.
 *
 * <p>Immutable and thread-safe; {@link #pickCluster} allocates nothing.
 */
public final class ForwardAction implements Action {

  /** Envoy's default route timeout. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

  private final ClusterTarget[] clusters;
  private final long[] cumulativeWeights;
  private final long totalWeight;
  private final List<ClusterTarget> clusterList;
  private final PathRewrite pathRewrite;
  private final Duration timeout;
  private final Optional<Duration> idleTimeout;
  private final Optional<RetryPolicy> retryPolicy;
  private final HashPolicy hashPolicy;
  private final List<MirrorPolicy> mirrorPolicies;

  ForwardAction(
      List<ClusterTarget> clusters,
      PathRewrite pathRewrite,
      Duration timeout,
      Duration idleTimeout,
      RetryPolicy retryPolicy) {
    this(clusters, pathRewrite, timeout, idleTimeout, retryPolicy, HashPolicy.NONE, List.of());
  }

  ForwardAction(
      List<ClusterTarget> clusters,
      PathRewrite pathRewrite,
      Duration timeout,
      Duration idleTimeout,
      RetryPolicy retryPolicy,
      HashPolicy hashPolicy,
      List<MirrorPolicy> mirrorPolicies) {
    this.clusters = clusters.toArray(new ClusterTarget[0]);
    this.clusterList = List.copyOf(clusters);
    this.cumulativeWeights = new long[this.clusters.length];
    long sum = 0;
    for (int i = 0; i < this.clusters.length; i++) {
      sum += this.clusters[i].weight();
      cumulativeWeights[i] = sum;
    }
    if (sum <= 0) {
      throw new IllegalArgumentException("total weight must be positive");
    }
    this.totalWeight = sum;
    this.pathRewrite = pathRewrite;
    this.timeout = timeout;
    this.idleTimeout = Optional.ofNullable(idleTimeout);
    this.retryPolicy = Optional.ofNullable(retryPolicy);
    this.hashPolicy = hashPolicy;
    this.mirrorPolicies = List.copyOf(mirrorPolicies);
  }

  /** The clusters in configuration order; one for a route with a single {@code cluster}. */
  public List<ClusterTarget> clusters() {
    return clusterList;
  }

  /** The sum of the weights. */
  public long totalWeight() {
    return totalWeight;
  }

  /**
   * Picks the cluster for a request as Envoy does: {@code random} modulo the total weight (taken as
   * unsigned) falls in one cluster's share, the clusters' shares laid out in configuration order.
   * So each cluster gets requests in proportion to its weight; a zero weight gets none.
   */
  public ClusterTarget pickCluster(long random) {
    if (clusters.length == 1) {
      return clusters[0];
    }
    long selected = Long.remainderUnsigned(random, totalWeight);
    for (int i = 0; i < clusters.length; i++) {
      if (selected < cumulativeWeights[i]) {
        return clusters[i];
      }
    }
    return clusters[clusters.length - 1];
  }

  /** {@link #pickCluster(long)} with a {@link ThreadLocalRandom} number. */
  public ClusterTarget pickCluster() {
    return clusters.length == 1 ? clusters[0] : pickCluster(ThreadLocalRandom.current().nextLong());
  }

  /** Whether {@link #rewritePath} may change the path. */
  public boolean rewritesPath() {
    return !pathRewrite.isNone();
  }

  /**
   * The path to send upstream for a request that matched this route with {@code path} (with its
   * query string): {@code prefix_rewrite} replaces the matched prefix (the whole path for exact and
   * regex matches), {@code regex_rewrite} replaces every match in the path; the query string is
   * kept. Returns {@code path} itself when the route rewrites nothing.
   */
  public String rewritePath(String path) {
    return pathRewrite.apply(path);
  }

  /**
   * The time the whole upstream exchange may take, from the end of the downstream request ({@code
   * timeout}; 15 s by default); {@link Duration#ZERO} disables it.
   */
  public Duration timeout() {
    return timeout;
  }

  /** The route's {@code idle_timeout}, overriding the connection manager's stream idle timeout. */
  public Optional<Duration> idleTimeout() {
    return idleTimeout;
  }

  /** The route's retry policy, if any. */
  public Optional<RetryPolicy> retryPolicy() {
    return retryPolicy;
  }

  /**
   * How the key for a hashing load balancer is computed ({@code hash_policy}); {@link
   * HashPolicy#NONE} when the route has none.
   */
  public HashPolicy hashPolicy() {
    return hashPolicy;
  }

  /** Where copies of the requests go ({@code request_mirror_policies}); usually none. */
  public List<MirrorPolicy> mirrorPolicies() {
    return mirrorPolicies;
  }

  @Override
  public String toString() {
    return "forward " + clusterList + (rewritesPath() ? " " + pathRewrite : "") + " timeout " + timeout;
  }
}
