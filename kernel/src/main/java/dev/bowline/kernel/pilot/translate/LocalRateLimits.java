package dev.bowline.kernel.pilot.translate;

import com.google.protobuf.BoolValue;
import com.google.protobuf.UInt32Value;
import dev.bowline.kernel.pilot.istio.LocalRateLimitAnnotation.Bucket;
import dev.bowline.kernel.pilot.istio.LocalRateLimitAnnotation.PerClient;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.route.v3.RateLimit;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.LocalRateLimitDescriptor;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.type.v3.TokenBucket;
import java.util.Locale;

/**
 * Translates a bucket of the {@code bowline.dev/local-rate-limit} annotation into Envoy's local
 * rate limit filter ({@code envoy.filters.http.local_ratelimit}) config: the connection manager's
 * filter has a stat prefix and no bucket of its own, enabled and enforced for every request; each
 * route gets its {@code token_bucket} in {@code typed_per_filter_config}, enabled and enforced for
 * every request. Per client, the route's config also has one descriptor whose entry value is empty
 * (one bucket per distinct value), and the route's {@code rate_limits} produce that descriptor:
 * {@code request_headers} (descriptor key = the header name) or {@code remote_address}, and
 * {@code always_consume_default_token_bucket} is false: a client's request takes a token from its
 * own bucket only, and requests that produce no descriptor (the header missing) share the route's
 * bucket. Stateless.
 */
final class LocalRateLimits {

  /** The stat prefix of the filter. */
  static final String STAT_PREFIX = "http_local_rate_limiter";

  /** The descriptor key Envoy's {@code remote_address} action produces. */
  static final String REMOTE_ADDRESS_KEY = "remote_address";

  private LocalRateLimits() {}

  /** The connection manager's filter config: no bucket, enabled and enforced. */
  static LocalRateLimit filter() {
    return LocalRateLimit.newBuilder()
        .setStatPrefix(STAT_PREFIX)
        .setFilterEnabled(always())
        .setFilterEnforced(always())
        .build();
  }

  /** A route's config for {@code bucket}. */
  static LocalRateLimit perRoute(Bucket bucket) {
    TokenBucket tokens = tokenBucket(bucket);
    LocalRateLimit.Builder b =
        LocalRateLimit.newBuilder()
            .setStatPrefix(STAT_PREFIX)
            .setTokenBucket(tokens)
            .setFilterEnabled(always())
            .setFilterEnforced(always());
    PerClient pc = bucket.perClient();
    if (pc != null) {
      b.addDescriptors(
          LocalRateLimitDescriptor.newBuilder()
              .addEntries(RateLimitDescriptor.Entry.newBuilder().setKey(descriptorKey(pc)).setValue(""))
              .setTokenBucket(tokens));
      // A client's request takes a token from its own bucket only: the route's bucket is for the
      // requests that produce no descriptor (the header missing).
      b.setAlwaysConsumeDefaultTokenBucket(BoolValue.of(false));
    }
    return b.build();
  }

  /** The route's {@code rate_limits} producing the per-client descriptor, or null for none. */
  static RateLimit rateLimit(Bucket bucket) {
    PerClient pc = bucket.perClient();
    if (pc == null) {
      return null;
    }
    RateLimit.Action.Builder action = RateLimit.Action.newBuilder();
    if (pc.header() != null) {
      action.setRequestHeaders(
          RateLimit.Action.RequestHeaders.newBuilder()
              .setHeaderName(pc.header().toLowerCase(Locale.ROOT))
              .setDescriptorKey(descriptorKey(pc)));
    } else {
      action.setRemoteAddress(RateLimit.Action.RemoteAddress.getDefaultInstance());
    }
    return RateLimit.newBuilder().addActions(action).build();
  }

  private static String descriptorKey(PerClient pc) {
    return pc.header() != null ? pc.header().toLowerCase(Locale.ROOT) : REMOTE_ADDRESS_KEY;
  }

  private static TokenBucket tokenBucket(Bucket bucket) {
    return TokenBucket.newBuilder()
        .setMaxTokens(bucket.tokens())
        .setTokensPerFill(UInt32Value.of(bucket.effectiveTokensPerFill()))
        .setFillInterval(IstioDurations.toProto(IstioDurations.parse(bucket.fillInterval())))
        .build();
  }

  private static RuntimeFractionalPercent always() {
    return RuntimeFractionalPercent.newBuilder()
        .setDefaultValue(FaultInjections.perHundred(100))
        .build();
  }
}
