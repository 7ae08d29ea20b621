package dev.bowline.proxy.filter.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.proxy.config.Problems;
import dev.bowline.proxy.filter.FilterYaml;
import dev.bowline.proxy.stats.MetricRegistry;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import org.junit.jupiter.api.Test;

/** Buckets survive a new configuration version that leaves their rate limit unchanged. */
class RateLimiterStoreTest {

  private final RateLimiterStore store = new RateLimiterStore();
  private final MetricRegistry metrics = new MetricRegistry();

  private static LocalRateLimit config(int maxTokens) {
    return FilterYaml.parse(
        "stat_prefix: p\ntoken_bucket: {max_tokens: " + maxTokens + ", fill_interval: 60s}",
        LocalRateLimit.newBuilder());
  }

  private LocalRateLimiter compile(RateLimiterStore.Generation g, String place, LocalRateLimit c) {
    Problems problems = new Problems();
    LocalRateLimiter l =
        new LocalRateLimitCompiler(metrics, g, System::nanoTime).compile(c, true, place, problems);
    assertThat(problems.list()).isEmpty();
    return l;
  }

  @Test
  void anUnchangedLimiterAtTheSamePlaceIsReused() {
    RateLimiterStore.Generation first = store.next();
    LocalRateLimiter a = compile(first, "routes[0]", config(5));
    LocalRateLimiter b = compile(first, "routes[1]", config(5));
    first.publish();
    assertThat(a).isNotSameAs(b);

    RateLimiterStore.Generation second = store.next();
    assertThat(compile(second, "routes[0]", config(5))).isSameAs(a);
    assertThat(compile(second, "routes[1]", config(6))).isNotSameAs(b);
    second.publish();

    RateLimiterStore.Generation third = store.next();
    assertThat(compile(third, "routes[0]", config(5))).isSameAs(a);
  }

  @Test
  void aVersionThatIsNotPublishedChangesNothing() {
    RateLimiterStore.Generation first = store.next();
    LocalRateLimiter a = compile(first, "r", config(5));
    first.publish();
    RateLimiterStore.Generation failed = store.next();
    compile(failed, "r", config(7)); // never published
    assertThat(compile(store.next(), "r", config(5))).isSameAs(a);
  }

  @Test
  void aLimiterLeftOutOfAVersionIsForgotten() {
    RateLimiterStore.Generation first = store.next();
    LocalRateLimiter a = compile(first, "r", config(5));
    first.publish();
    store.next().publish(); // a version without that route
    assertThat(compile(store.next(), "r", config(5))).isNotSameAs(a);
  }
}
