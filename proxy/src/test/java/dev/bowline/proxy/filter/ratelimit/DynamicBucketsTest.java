package dev.bowline.proxy.filter.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DynamicBucketsTest {

  private final AtomicLong now = new AtomicLong();

  private DynamicBuckets buckets(int max) {
    return new DynamicBuckets(max, () -> new TokenBucket(1, 1, Duration.ofHours(1), now::get), now::get);
  }

  @Test
  void eachKeyHasItsOwnBucket() {
    DynamicBuckets b = buckets(20);
    assertThat(b.bucket("alice").tryConsume()).isTrue();
    assertThat(b.bucket("alice").tryConsume()).isFalse();
    assertThat(b.bucket("bob").tryConsume()).isTrue();
    assertThat(b.bucket("alice")).isSameAs(b.bucket("alice"));
    assertThat(b.size()).isEqualTo(2);
  }

  @Test
  void theLeastRecentlyUsedKeyIsEvictedAtTheCap() {
    DynamicBuckets b = buckets(2);
    now.set(1);
    b.bucket("a").tryConsume();
    now.set(2);
    b.bucket("b");
    now.set(3);
    b.bucket("a"); // a is now the most recent
    now.set(4);
    b.bucket("c");
    assertThat(b.size()).isEqualTo(2);
    assertThat(b.contains("a")).isTrue();
    assertThat(b.contains("b")).isFalse();
    assertThat(b.contains("c")).isTrue();
    // a kept its (empty) bucket; an evicted key would start again full
    assertThat(b.bucket("a").tryConsume()).isFalse();
  }

  @Test
  void theNumberOfBucketsStaysBounded() {
    DynamicBuckets b = buckets(20);
    for (int i = 0; i < 1_000; i++) {
      now.incrementAndGet();
      b.bucket("client-" + i);
    }
    assertThat(b.size()).isEqualTo(20);
  }
}
