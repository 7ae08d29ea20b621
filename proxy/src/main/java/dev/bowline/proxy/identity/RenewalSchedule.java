package dev.bowline.proxy.identity;

import java.time.Duration;
import java.time.Instant;

/**
 * When to renew a certificate, and how long to wait after a failed attempt. Pure.
 *
 * <p>Renewal comes at half the certificate's remaining lifetime, moved by up to {@link #JITTER} of
 * it either way so that proxies started together do not renew together. A failed attempt
 * is retried after 1 s, doubling up to 30 s, each wait shortened by up to a fifth at random, and
 * never longer than a tenth of what is left of the certificate held (at least 1 s): a short-lived
 * certificate whose CA was away for a while is still renewed before it expires.
 */
final class RenewalSchedule {

  static final double JITTER = 0.05;
  static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  static final Duration MAX_RETRY = Duration.ofSeconds(30);

  private RenewalSchedule() {}

  /**
   * How long from {@code now} until the renewal of a certificate valid from {@code notBefore} to
   * {@code notAfter}, received at {@code now}; {@code random} in [0, 1) places it within the
   * jitter. The lifetime counts from {@code now} when the certificate's {@code notBefore} lies
   * before it: CAs backdate {@code notBefore} for clock skew, and a short-lived certificate
   * backdated by a minute must not look half spent on arrival. Zero when already due.
   */
  static Duration untilRenewal(Instant notBefore, Instant notAfter, Instant now, double random) {
    Instant start = notBefore.isAfter(now) ? notBefore : now;
    long lifetime = Duration.between(start, notAfter).toMillis();
    if (lifetime <= 0) {
      return Duration.ZERO;
    }
    double fraction = 0.5 + JITTER * (2 * random - 1);
    Instant due = start.plusMillis((long) (lifetime * fraction));
    Duration wait = Duration.between(now, due);
    return wait.isNegative() ? Duration.ZERO : wait;
  }

  /** The wait before retry number {@code failures} (1 for the first); {@code random} in [0, 1). */
  static Duration retryAfter(int failures, double random) {
    return retryAfter(failures, random, MAX_RETRY.multipliedBy(10));
  }

  /**
   * The wait before retry number {@code failures} while the certificate held has {@code remaining}
   * left (any large value when none is held).
   */
  static Duration retryAfter(int failures, double random, Duration remaining) {
    long base = FIRST_RETRY.toMillis() << Math.min(Math.max(failures - 1, 0), 10);
    long capped = Math.min(base, MAX_RETRY.toMillis());
    long urgent = Math.max(FIRST_RETRY.toMillis(), remaining.toMillis() / 10);
    return Duration.ofMillis((long) (Math.min(capped, urgent) * (1 - 0.2 * random)));
  }
}
