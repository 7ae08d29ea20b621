package dev.bowline.proxy.filter.ratelimit;

import dev.bowline.proxy.filter.FilterRequest;
import dev.bowline.proxy.filter.Percentage;
import dev.bowline.proxy.route.HeaderMutations;
import dev.bowline.spi.plugin.PluginMetrics.Counter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A compiled Envoy {@code LocalRateLimit} with its buckets: the filter's own ({@code
 * token_bucket}, per connection manager or per route) and one per {@code descriptors} entry (per
 * distinct value for a wildcard entry), deciding as Envoy's local rate limiter does:
 *
 * <ol>
 *   <li>only a share {@code filter_enabled} of requests is looked at (default 0%, as in Envoy);
 *   <li>the request's descriptors (made by the route's {@code rate_limits} of the same {@code
 *       stage}, or by the filter's own {@code rate_limits}) are matched against {@code descriptors},
 *       entry by entry, in order, an empty configured value matching any value;
 *   <li>the matched descriptors' buckets each give a token, slowest-filling first; the filter's own
 *       bucket gives one too when nothing matched or {@code always_consume_default_token_bucket}
 *       (default true) says so; no bucket at all allows the request;
 *   <li>a request some bucket refused is rate limited, and answered {@code status} (429) only in
 *       the share {@code filter_enforced} (default 0%) of those.
 * </ol>
 *
 * <p>Thread-safe: the buckets are lock-free and shared by every event loop.
 */
public final class LocalRateLimiter {

  /** A configured descriptor: its entries and its bucket (or buckets, for a wildcard). */
  record DescriptorRule(List<DescriptorEntry> entries, TokenBucket bucket, DynamicBuckets dynamic) {

    /** Whether {@code request} matches, entry by entry (an empty configured value: any). */
    boolean matches(List<DescriptorEntry> request) {
      if (request.size() != entries.size()) {
        return false;
      }
      for (int i = 0; i < entries.size(); i++) {
        DescriptorEntry want = entries.get(i);
        DescriptorEntry got = request.get(i);
        if (!want.key().equals(got.key())
            || (!want.value().isEmpty() && !want.value().equals(got.value()))) {
          return false;
        }
      }
      return true;
    }

    /** The bucket for a matching request descriptor. */
    TokenBucket bucketFor(List<DescriptorEntry> request) {
      if (dynamic == null) {
        return bucket;
      }
      StringBuilder key = new StringBuilder();
      for (DescriptorEntry e : request) {
        key.append(e.key()).append('\u0000').append(e.value()).append('\u0000');
      }
      return dynamic.bucket(key.toString());
    }
  }

  /** The counters of one {@code stat_prefix}. */
  record Stats(Counter enabled, Counter enforced, Counter rateLimited, Counter ok) {}

  private final String statPrefix;
  private final int status;
  private final HeaderMutations responseHeaders;
  private final Percentage enabled;
  private final Percentage enforced;
  private final TokenBucket bucket;
  private final List<DescriptorRule> descriptors;
  private final int stage;
  private final boolean alwaysConsumeDefault;
  private final boolean resourceExhausted;
  private final List<RateLimitPolicy> ownRateLimits;
  private final Stats stats;

  LocalRateLimiter(
      String statPrefix,
      int status,
      HeaderMutations responseHeaders,
      Percentage enabled,
      Percentage enforced,
      TokenBucket bucket,
      List<DescriptorRule> descriptors,
      int stage,
      boolean alwaysConsumeDefault,
      boolean resourceExhausted,
      List<RateLimitPolicy> ownRateLimits,
      Stats stats) {
    this.statPrefix = statPrefix;
    this.status = status;
    this.responseHeaders = responseHeaders;
    this.enabled = enabled;
    this.enforced = enforced;
    this.bucket = bucket;
    this.descriptors = List.copyOf(descriptors);
    this.stage = stage;
    this.alwaysConsumeDefault = alwaysConsumeDefault;
    this.resourceExhausted = resourceExhausted;
    this.ownRateLimits = List.copyOf(ownRateLimits);
    this.stats = stats;
  }

  /** What became of a request. */
  public enum Outcome {
    /** Not looked at ({@code filter_enabled}), or allowed. */
    PASS,
    /** Over the limit but not enforced for it: it goes on. */
    LIMITED_NOT_ENFORCED,
    /** Over the limit: answer {@link #status()}. */
    LIMITED
  }

  /** Whether the limiter can ever limit anything (it has a bucket or a descriptor). */
  public boolean isEmpty() {
    return bucket == null && descriptors.isEmpty();
  }

  /**
   * Decides for one request.
   *
   * @param routeRateLimits the route's {@code rate_limits}, used when the filter has none of its own
   */
  public Outcome decide(FilterRequest request, List<RateLimitPolicy> routeRateLimits) {
    if (!enabled.sample()) {
      return Outcome.PASS;
    }
    stats.enabled().increment();
    if (allowed(request, routeRateLimits)) {
      stats.ok().increment();
      return Outcome.PASS;
    }
    stats.rateLimited().increment();
    if (!enforced.sample()) {
      return Outcome.LIMITED_NOT_ENFORCED;
    }
    stats.enforced().increment();
    return Outcome.LIMITED;
  }

  private boolean allowed(FilterRequest request, List<RateLimitPolicy> routeRateLimits) {
    List<TokenBucket> matched = descriptors.isEmpty() ? List.of() : matched(request, routeRateLimits);
    for (TokenBucket b : matched) {
      if (!b.tryConsume()) {
        return false;
      }
    }
    if (bucket != null && (matched.isEmpty() || alwaysConsumeDefault)) {
      return bucket.tryConsume();
    }
    return true;
  }

  /** The buckets of the configured descriptors the request's descriptors match, slowest first. */
  private List<TokenBucket> matched(FilterRequest request, List<RateLimitPolicy> routeRateLimits) {
    List<RateLimitPolicy> policies = ownRateLimits.isEmpty() ? routeRateLimits : ownRateLimits;
    List<TokenBucket> matched = null;
    for (RateLimitPolicy policy : policies) {
      if (ownRateLimits.isEmpty() && policy.stage() != stage) {
        continue;
      }
      List<DescriptorEntry> descriptor = policy.descriptor(request);
      if (descriptor == null) {
        continue;
      }
      for (DescriptorRule rule : descriptors) {
        if (rule.matches(descriptor)) {
          if (matched == null) {
            matched = new ArrayList<>(2);
          }
          matched.add(rule.bucketFor(descriptor));
          break;
        }
      }
    }
    if (matched == null) {
      return List.of();
    }
    if (matched.size() > 1) {
      matched.sort(Comparator.comparingDouble(TokenBucket::fillRatePerSecond));
    }
    return matched;
  }

  /** The status of a rate-limited reply (429 unless configured; below 400 means 429, as Envoy). */
  public int status() {
    return status;
  }

  /** The gRPC status of a rate-limited reply to a gRPC request: 8 or Envoy's default 14. */
  public int grpcStatus() {
    return resourceExhausted ? 8 : 14;
  }

  /** Headers added to a rate-limited reply ({@code response_headers_to_add}). */
  public HeaderMutations responseHeaders() {
    return responseHeaders;
  }

  /** The filter's own bucket, or null (for tests). */
  TokenBucket bucket() {
    return bucket;
  }

  @Override
  public String toString() {
    return "local_rate_limit{" + statPrefix + ", " + bucket + ", " + descriptors.size()
        + " descriptor(s)}";
  }
}
