package dev.bowline.kernel.demo.bookinfo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReviewsTest {

  private final RunningServices services = new RunningServices();
  private final ObjectMapper json = new ObjectMapper();

  @AfterEach
  void stop() {
    services.close();
  }

  private JsonNode reviews(BookinfoService reviews, String... headers) throws Exception {
    HttpResponse<String> r = services.get(reviews.port(), "/reviews/0", headers);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    return json.readTree(r.body());
  }

  @Test
  void v1HasTwoReviewsWithoutRatingsAndCallsNothing() throws Exception {
    BookinfoService v1 = services.start(BookinfoKind.REVIEWS, "v1", Map.of());

    JsonNode body = reviews(v1);

    assertThat(body.get("id").asText()).isEqualTo("0");
    assertThat(body.get("version").asText()).isEqualTo("v1");
    assertThat(body.get("podname").asText()).isEqualTo("reviews-v1-" + v1.port());
    assertThat(body.get("clustername").asText()).isEqualTo("null");
    assertThat(body.get("reviews")).hasSize(2);
    assertThat(body.at("/reviews/0/reviewer").asText()).isEqualTo("Reviewer1");
    assertThat(body.at("/reviews/0/text").asText()).startsWith("An extremely entertaining play");
    assertThat(body.at("/reviews/1/reviewer").asText()).isEqualTo("Reviewer2");
    assertThat(body.get("reviews")).allSatisfy(r -> assertThat(r.has("rating")).isFalse());
  }

  @Test
  void v2RatesInBlackAndV3InRed() throws Exception {
    BookinfoService ratings = services.start(BookinfoKind.RATINGS, "v1", Map.of());
    Map<String, Integer> upstreams = Map.of("ratings", ratings.port());
    BookinfoService v2 = services.start(BookinfoKind.REVIEWS, "v2", upstreams);
    BookinfoService v3 = services.start(BookinfoKind.REVIEWS, "v3", upstreams);

    JsonNode black = reviews(v2);
    JsonNode red = reviews(v3);

    assertThat(black.get("version").asText()).isEqualTo("v2");
    assertThat(black.at("/reviews/0/rating")).isEqualTo(json.readTree("{\"stars\":5,\"color\":\"black\"}"));
    assertThat(black.at("/reviews/1/rating")).isEqualTo(json.readTree("{\"stars\":4,\"color\":\"black\"}"));
    assertThat(red.get("version").asText()).isEqualTo("v3");
    assertThat(red.at("/reviews/0/rating")).isEqualTo(json.readTree("{\"stars\":5,\"color\":\"red\"}"));
    assertThat(red.at("/reviews/1/rating")).isEqualTo(json.readTree("{\"stars\":4,\"color\":\"red\"}"));
  }

  @Test
  void ratingsDownGivesTheRatingsUnavailableErrorOnEachReview() throws Exception {
    BookinfoService v2 = services.start(BookinfoKind.REVIEWS, "v2", Map.of("ratings", Ports.closed()));

    JsonNode body = reviews(v2);

    assertThat(body.get("reviews")).hasSize(2).allSatisfy(r -> assertThat(r.get("rating"))
        .isEqualTo(json.readTree("{\"error\":\"Ratings service is currently unavailable\"}")));
  }

  @Test
  void ratingsSlowerThanTheTimeoutCountAsUnavailable() throws Exception {
    BookinfoService ratings = services.start(BookinfoKind.RATINGS, "v1", Map.of());
    RecordingRelay slowRatings = services.relayTo(ratings.port()).slowFor(1, Duration.ofSeconds(10));
    BookinfoTimeouts shortV3 = new BookinfoTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(3), 2,
        Duration.ofSeconds(3), Duration.ofSeconds(10), Duration.ofMillis(300));
    BookinfoService v3 = services.start(
        BookinfoKind.REVIEWS, "v3", Map.of("ratings", slowRatings.port()), shortV3);

    JsonNode slow = reviews(v3);
    JsonNode fast = reviews(v3);

    assertThat(slow.at("/reviews/0/rating/error").asText()).isEqualTo(Reviews.RATINGS_UNAVAILABLE);
    assertThat(fast.at("/reviews/0/rating/stars").asInt()).isEqualTo(5);
    assertThat(slowRatings.requests()).hasSize(2);
  }

  @Test
  void passesTraceHeadersAndTheEndUserOnToRatings() throws Exception {
    BookinfoService ratings = services.start(BookinfoKind.RATINGS, "v1", Map.of());
    RecordingRelay seen = services.relayTo(ratings.port());
    BookinfoService v2 = services.start(BookinfoKind.REVIEWS, "v2", Map.of("ratings", seen.port()));

    reviews(v2, "end-user", "jason", "x-request-id", "req-1", "traceparent",
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "x-b3-traceid", "80f198ee56343ba8",
        "cookie", "user=jason", "x-not-propagated", "1");

    RecordingRelay.Recorded r = seen.last();
    assertThat(r.target().getPath()).isEqualTo("/ratings/0");
    assertThat(r.headers())
        .containsEntry("end-user", "jason")
        .containsEntry("x-request-id", "req-1")
        .containsEntry("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
        .containsEntry("x-b3-traceid", "80f198ee56343ba8")
        .containsEntry("cookie", "user=jason")
        .doesNotContainKey("x-not-propagated");
  }

  @Test
  void reportsTheGivenPodAndClusterNames() throws Exception {
    BookinfoService v1 = services.start(BookinfoOptions.of(BookinfoKind.REVIEWS, "v1", 0,
        Upstreams.direct(Map.of())).withPodName("reviews-v1-abc").withClusterName("east"));

    JsonNode body = reviews(v1);

    assertThat(body.get("podname").asText()).isEqualTo("reviews-v1-abc");
    assertThat(body.get("clustername").asText()).isEqualTo("east");
  }

  @Test
  void healthAndUnknownPaths() throws Exception {
    BookinfoService v1 = services.start(BookinfoKind.REVIEWS, "v1", Map.of());

    assertThat(json.readTree(services.get(v1.port(), "/health").body()).get("status").asText())
        .isEqualTo("Reviews is healthy");
    assertThat(services.get(v1.port(), "/reviews/abc").statusCode()).isEqualTo(404);
    assertThat(services.get(v1.port(), "/other").statusCode()).isEqualTo(404);
  }
}
