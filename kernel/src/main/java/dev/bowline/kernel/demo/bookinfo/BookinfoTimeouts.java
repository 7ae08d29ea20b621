package dev.bowline.kernel.demo.bookinfo;

import java.time.Duration;
import java.util.Objects;

/**
 * The timeouts the Bookinfo services put on their calls. {@link #ORIGINAL} has the values of
 * Istio's sample, which its traffic-management tasks rely on (a 7 s delay injected between
 * reviews v2 and ratings outlasts productpage's two 3 s tries; reviews v3 gives up on ratings
 * after 2.5 s). Each timeout bounds one try from sending the request to the response's headers,
 * connecting included. Immutable.
 *
 * @param details productpage to details, one try
 * @param reviewsPerTry productpage to reviews, each try
 * @param reviewsAttempts how many times productpage tries reviews (tries after a failure or a
 *     status other than 200)
 * @param ratings productpage to ratings ({@code /api/v1/products/<id>/ratings}), one try
 * @param ratingsFromV2 reviews v2 (black stars) to ratings, one try
 * @param ratingsFromV3 reviews v3 (red stars) to ratings, one try
 */
public record BookinfoTimeouts(
    Duration details,
    Duration reviewsPerTry,
    int reviewsAttempts,
    Duration ratings,
    Duration ratingsFromV2,
    Duration ratingsFromV3) {

  /** The original sample's: 3 s, 3 s twice, 3 s, 10 s and 2.5 s. */
  public static final BookinfoTimeouts ORIGINAL = new BookinfoTimeouts(
      Duration.ofSeconds(3), Duration.ofSeconds(3), 2, Duration.ofSeconds(3),
      Duration.ofSeconds(10), Duration.ofMillis(2500));

  public BookinfoTimeouts {
    positive("details", details);
    positive("reviewsPerTry", reviewsPerTry);
    positive("ratings", ratings);
    positive("ratingsFromV2", ratingsFromV2);
    positive("ratingsFromV3", ratingsFromV3);
    if (reviewsAttempts < 1) {
      throw new IllegalArgumentException(
          "timeouts.reviewsAttempts: must be at least 1, got " + reviewsAttempts);
    }
  }

  /** Every timeout set to {@code timeout}, with the original's two tries of reviews. */
  public static BookinfoTimeouts all(Duration timeout) {
    return new BookinfoTimeouts(timeout, timeout, 2, timeout, timeout, timeout);
  }

  private static void positive(String field, Duration d) {
    Objects.requireNonNull(d, "timeouts." + field);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("timeouts." + field + ": must be positive, got " + d);
    }
  }
}
