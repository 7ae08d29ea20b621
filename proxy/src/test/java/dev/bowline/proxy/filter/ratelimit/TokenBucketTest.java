package dev.bowline.proxy.filter.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The bucket on a clock the test moves: no timing in the assertions. */
class TokenBucketTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private TokenBucket bucket(long max, long perFill, Duration interval) {
    return new TokenBucket(max, perFill, interval, now::get);
  }

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  private static int drain(TokenBucket b) {
    int taken = 0;
    while (b.tryConsume()) {
      taken++;
    }
    return taken;
  }

  @Test
  void startsFullAndRefusesWhenEmpty() {
    TokenBucket b = bucket(3, 1, Duration.ofSeconds(1));
    assertThat(b.tokens()).isEqualTo(3);
    assertThat(drain(b)).isEqualTo(3);
    assertThat(b.tryConsume()).isFalse();
    assertThat(b.tokens()).isZero();
  }

  @Test
  void refillsAtTokensPerFillPerIntervalUpToTheMaximum() {
    TokenBucket b = bucket(10, 5, Duration.ofSeconds(1));
    drain(b);
    advance(Duration.ofMillis(400)); // 2 tokens at 5/s
    assertThat(drain(b)).isEqualTo(2);
    advance(Duration.ofSeconds(1));
    assertThat(drain(b)).isEqualTo(5);
    advance(Duration.ofHours(1)); // idle: full, not fuller
    assertThat(b.tokens()).isEqualTo(10);
    assertThat(drain(b)).isEqualTo(10);
  }

  @Test
  void aRefusedRequestTakesNothing() {
    TokenBucket b = bucket(1, 1, Duration.ofSeconds(1));
    assertThat(b.tryConsume()).isTrue();
    for (int i = 0; i < 5; i++) {
      assertThat(b.tryConsume()).isFalse();
    }
    advance(Duration.ofSeconds(1));
    assertThat(b.tryConsume()).isTrue();
  }

  @Test
  void fractionalRatesAccumulate() {
    TokenBucket b = bucket(1, 3, Duration.ofSeconds(1)); // one token per 333.3 ms
    assertThat(b.tryConsume()).isTrue();
    advance(Duration.ofMillis(300));
    assertThat(b.tryConsume()).isFalse();
    advance(Duration.ofMillis(40));
    assertThat(b.tryConsume()).isTrue();
  }

  @Test
  void concurrentTakersShareTheTokensExactly() throws Exception {
    TokenBucket b = bucket(10_000, 1, Duration.ofHours(1)); // the clock stands still
    AtomicInteger taken = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread thread =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int i = 0; i < 5_000; i++) {
                  if (b.tryConsume()) {
                    taken.incrementAndGet();
                  }
                }
              });
      thread.start();
      threads.add(thread);
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(taken.get()).isEqualTo(10_000);
    assertThat(b.tryConsume()).isFalse();
  }
}
