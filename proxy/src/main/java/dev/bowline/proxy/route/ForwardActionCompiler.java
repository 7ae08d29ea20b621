package dev.bowline.proxy.route;

import dev.bowline.proxy.config.Problems;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Compiles a route's {@code route} action into a {@link ForwardAction}. */
final class ForwardActionCompiler {

  private static final FieldAllowlist ROUTE_ACTION =
      FieldAllowlist.of(
          RouteAction.getDescriptor(),
          "cluster",
          "weighted_clusters",
          "prefix_rewrite",
          "regex_rewrite",
          "host_rewrite_literal",
          "timeout",
          "idle_timeout",
          "retry_policy",
          "hash_policy",
          "request_mirror_policies",
          "rate_limits"); // compiled by the route's RouteFilterCompiler, for the rate limit filter
  private static final FieldAllowlist WEIGHTED_CLUSTER =
      FieldAllowlist.of(WeightedCluster.getDescriptor(), "clusters", "total_weight");
  private static final FieldAllowlist CLUSTER_WEIGHT =
      FieldAllowlist.of(
          WeightedCluster.ClusterWeight.getDescriptor(),
          "name",
          "weight",
          "request_headers_to_add",
          "request_headers_to_remove",
          "response_headers_to_add",
          "response_headers_to_remove",
          "host_rewrite_literal");

  private final Problems problems;
  private final HeaderMutationCompiler headers;
  private final PathRewriteCompiler rewrites;
  private final RetryPolicyCompiler retries;
  private final HashPolicyCompiler hashes;
  private final MirrorPolicyCompiler mirrors;

  ForwardActionCompiler(
      Problems problems,
      HeaderMutationCompiler headers,
      PathRewriteCompiler rewrites,
      RetryPolicyCompiler retries) {
    this.problems = problems;
    this.headers = headers;
    this.rewrites = rewrites;
    this.retries = retries;
    this.hashes = new HashPolicyCompiler(problems, new StringMatcherCompiler(problems));
    this.mirrors = new MirrorPolicyCompiler(problems);
  }

  /**
   * The action, or {@code null} if it has a problem (reported).
   *
   * @param matcher the route's path matcher, for {@code prefix_rewrite}; {@code null} if the match
   *     had a problem
   */
  ForwardAction compile(RouteAction action, String path, PathMatcher matcher, HeaderScope scope) {
    int before = problems.size();
    ROUTE_ACTION.check(action, path, problems);
    String hostRewrite = hostRewrite(action.getHostRewriteLiteral(), path);
    List<ClusterTarget> clusters = new ArrayList<>();
    switch (action.getClusterSpecifierCase()) {
      case CLUSTER:
        clusters.add(
            new ClusterTarget(
                action.getCluster(),
                1,
                hostRewrite,
                scope.request(HeaderLevel.EMPTY),
                scope.response(HeaderLevel.EMPTY)));
        if (action.getCluster().isEmpty()) {
          problems.add(Problems.join(path, "cluster"), "must not be empty");
        }
        break;
      case WEIGHTED_CLUSTERS:
        weightedClusters(
            action.getWeightedClusters(),
            Problems.join(path, "weighted_clusters"),
            hostRewrite,
            scope,
            clusters);
        break;
      case CLUSTERSPECIFIER_NOT_SET:
        problems.add(path, "one of cluster or weighted_clusters is required");
        break;
      default:
        break; // an unsupported specifier, already reported
    }
    PathRewrite rewrite = PathRewrite.NONE;
    if (action.hasRegexRewrite()) {
      String regexPath = Problems.join(path, "regex_rewrite");
      if (!action.getPrefixRewrite().isEmpty()) {
        problems.add(regexPath, "only one of prefix_rewrite and regex_rewrite may be set");
      }
      rewrite = rewrites.regex(action.getRegexRewrite(), regexPath);
    } else {
      rewrite = rewrites.prefix(action.getPrefixRewrite(), matcher);
    }
    Duration timeout =
        action.hasTimeout()
            ? ProtoDurations.of(action.getTimeout(), Problems.join(path, "timeout"), problems)
            : ForwardAction.DEFAULT_TIMEOUT;
    Duration idleTimeout =
        action.hasIdleTimeout()
            ? ProtoDurations.of(
                action.getIdleTimeout(), Problems.join(path, "idle_timeout"), problems)
            : null;
    RetryPolicy retryPolicy =
        action.hasRetryPolicy()
            ? retries.compile(action.getRetryPolicy(), Problems.join(path, "retry_policy"))
            : null;
    HashPolicy hashPolicy =
        hashes.compile(action.getHashPolicyList(), Problems.join(path, "hash_policy"));
    List<MirrorPolicy> mirrorPolicies =
        mirrors.compile(
            action.getRequestMirrorPoliciesList(), Problems.join(path, "request_mirror_policies"));
    if (problems.size() != before) {
      return null;
    }
    return new ForwardAction(
        clusters, rewrite, timeout, idleTimeout, retryPolicy, hashPolicy, mirrorPolicies);
  }

  @SuppressWarnings("deprecation") // Envoy still accepts these deprecated fields; so do we
  private void weightedClusters(
      WeightedCluster weighted,
      String path,
      String routeHostRewrite,
      HeaderScope scope,
      List<ClusterTarget> clusters) {
    WEIGHTED_CLUSTER.check(weighted, path, problems);
    String clustersPath = Problems.join(path, "clusters");
    if (weighted.getClustersCount() == 0) {
      problems.add(clustersPath, "at least one cluster is required");
      return;
    }
    long sum = 0;
    for (int i = 0; i < weighted.getClustersCount(); i++) {
      WeightedCluster.ClusterWeight cluster = weighted.getClusters(i);
      String clusterPath = Problems.index(clustersPath, i);
      CLUSTER_WEIGHT.check(cluster, clusterPath, problems);
      if (cluster.getName().isEmpty()) {
        problems.add(Problems.join(clusterPath, "name"), "must not be empty");
      }
      long weight = cluster.hasWeight() ? Integer.toUnsignedLong(cluster.getWeight().getValue()) : 0;
      sum += weight;
      HeaderLevel request =
          headers.level(
              cluster.getRequestHeadersToAddList(),
              cluster.getRequestHeadersToRemoveList(),
              Problems.join(clusterPath, "request_headers_to_add"),
              Problems.join(clusterPath, "request_headers_to_remove"));
      HeaderLevel response =
          headers.level(
              cluster.getResponseHeadersToAddList(),
              cluster.getResponseHeadersToRemoveList(),
              Problems.join(clusterPath, "response_headers_to_add"),
              Problems.join(clusterPath, "response_headers_to_remove"));
      String clusterHostRewrite =
          hostRewrite(cluster.getHostRewriteLiteral(), clusterPath);
      clusters.add(
          new ClusterTarget(
              cluster.getName(),
              weight,
              routeHostRewrite != null ? routeHostRewrite : clusterHostRewrite,
              scope.request(request),
              scope.response(response)));
    }
    if (sum == 0) {
      problems.add(clustersPath, "the sum of the weights must be greater than 0");
    } else if (sum > 0xFFFF_FFFFL) {
      problems.add(clustersPath, "the sum of the weights must fit in 32 bits, it is " + sum);
    }
    if (weighted.hasTotalWeight()
        && Integer.toUnsignedLong(weighted.getTotalWeight().getValue()) != sum) {
      problems.add(
          Problems.join(path, "total_weight"),
          "is "
              + Integer.toUnsignedString(weighted.getTotalWeight().getValue())
              + " but the weights add up to "
              + sum);
    }
  }

  /** The host rewrite, or {@code null} if empty (Envoy: not set). */
  private String hostRewrite(String literal, String path) {
    if (literal.isEmpty()) {
      return null;
    }
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      if (c <= ' ' || c == 0x7f || c == '/' || c == '?' || c == '#' || c == '@') {
        problems.add(
            Problems.join(path, "host_rewrite_literal"), "invalid authority \"" + literal + "\"");
        return null;
      }
    }
    return literal;
  }
}
