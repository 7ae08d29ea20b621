package dev.bowline.kernel.demo;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A product page as a user sees it: what it shows and how long it took. */
record BookinfoPage(int status, String body, Duration elapsed) {

  private static final Pattern SERVED_BY = Pattern.compile("Reviews served by: ([^<\\s]+)");

  /** The reviews instance that answered ({@code reviews-v2}), if reviews answered. */
  Optional<String> reviewsServedBy() {
    Matcher m = SERVED_BY.matcher(body);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** The reviews version shown: {@code v1} (no stars), {@code v2} (black) or {@code v3} (red). */
  Optional<String> reviewsVersion() {
    return reviewsServedBy().map(pod -> pod.substring("reviews-".length(), "reviews-".length() + 2));
  }

  /** The star color shown, or {@code none}. */
  String stars() {
    if (body.contains("<font color=\"red\">")) {
      return "red";
    }
    return body.contains("<font color=\"black\">") ? "black" : "none";
  }

  boolean reviewsUnavailable() {
    return body.contains("Sorry, product reviews are currently unavailable for this book.");
  }

  boolean ratingsUnavailable() {
    return body.contains("Ratings service is currently unavailable");
  }

  boolean detailsUnavailable() {
    return body.contains("Sorry, product details are currently unavailable for this book.");
  }

  @Override
  public String toString() {
    return "HTTP " + status + " in " + elapsed.toMillis() + " ms, reviews "
        + reviewsServedBy().orElse("unavailable") + ", stars " + stars()
        + (ratingsUnavailable() ? ", ratings unavailable" : "");
  }
}
