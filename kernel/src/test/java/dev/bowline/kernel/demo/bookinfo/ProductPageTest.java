package dev.bowline.kernel.demo.bookinfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The productpage with real details, reviews (v1, v2, v3) and ratings services on loopback,
 * called directly (no sidecar), with relays where a test looks at what a service received.
 */
class ProductPageTest {

  private static final RunningServices backends = new RunningServices();
  private static int ratings;
  private static int details;
  private static final Map<String, Integer> reviews = new HashMap<>();

  private final RunningServices services = new RunningServices();
  private final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  static void startBackends() throws Exception {
    ratings = backends.start(BookinfoKind.RATINGS, "v1", Map.of()).port();
    details = backends.start(BookinfoKind.DETAILS, "v1", Map.of()).port();
    for (String v : new String[] {"v1", "v2", "v3"}) {
      reviews.put(v, backends.start(BookinfoKind.REVIEWS, v, Map.of("ratings", ratings)).port());
    }
  }

  @AfterAll
  static void stopBackends() {
    backends.close();
  }

  @AfterEach
  void stop() {
    services.close();
  }

  private BookinfoService productpage(int detailsPort, int reviewsPort, BookinfoTimeouts timeouts)
      throws Exception {
    return services.start(BookinfoKind.PRODUCTPAGE, "v1",
        Map.of("details", detailsPort, "reviews", reviewsPort, "ratings", ratings), timeouts);
  }

  private BookinfoService productpage(int reviewsPort) throws Exception {
    return productpage(details, reviewsPort, BookinfoTimeouts.ORIGINAL);
  }

  private String page(BookinfoService productpage, String... headers) throws Exception {
    HttpResponse<String> r = services.get(productpage.port(), "/productpage", headers);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
    return r.body();
  }

  private static int count(String text, String part) {
    Matcher m = Pattern.compile(Pattern.quote(part)).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  @Test
  void withReviewsV1ThePageHasTheBookAndReviewsWithoutStars() throws Exception {
    String page = page(productpage(reviews.get("v1")));

    assertThat(page).contains("<h3 class=\"text-center text-primary\">The Comedy of Errors</h3>")
        .contains("Book Details", "<dt>Type:</dt>paperback", "<dt>Pages:</dt>200",
            "<dt>Publisher:</dt>PublisherA", "<dt>Language:</dt>English",
            "<dt>ISBN-10:</dt>1234567890", "<dt>ISBN-13:</dt>123-1234567890")
        .contains("Book Reviews", "An extremely entertaining play by Shakespeare",
            "<small>Reviewer1</small>", "<small>Reviewer2</small>",
            "Reviews served by: reviews-v1-")
        .doesNotContain("glyphicon-star", "<font color=", "Ratings service is currently unavailable");
  }

  @Test
  void withReviewsV2TheStarsAreBlack() throws Exception {
    String page = page(productpage(reviews.get("v2")));

    assertThat(count(page, "<font color=\"black\">")).isEqualTo(2);
    assertThat(count(page, "<span class=\"glyphicon glyphicon-star\">")).isEqualTo(5 + 4);
    assertThat(count(page, "<span class=\"glyphicon glyphicon-star-empty\">")).isEqualTo(1);
    assertThat(page).doesNotContain("color=\"red\"").contains("Reviews served by: reviews-v2-");
  }

  @Test
  void withReviewsV3TheStarsAreRed() throws Exception {
    String page = page(productpage(reviews.get("v3")));

    assertThat(count(page, "<font color=\"red\">")).isEqualTo(2);
    assertThat(count(page, "<span class=\"glyphicon glyphicon-star\">")).isEqualTo(9);
    assertThat(page).doesNotContain("color=\"black\"").contains("Reviews served by: reviews-v3-");
  }

  @Test
  void signingInSetsTheUserCookieAndSendsEndUserToDetailsReviewsAndOnToRatings() throws Exception {
    RecordingRelay ratingsSeen = services.relayTo(ratings);
    BookinfoService reviewsV2 =
        services.start(BookinfoKind.REVIEWS, "v2", Map.of("ratings", ratingsSeen.port()));
    RecordingRelay reviewsSeen = services.relayTo(reviewsV2.port());
    RecordingRelay detailsSeen = services.relayTo(details);
    BookinfoService productpage =
        productpage(detailsSeen.port(), reviewsSeen.port(), BookinfoTimeouts.ORIGINAL);
    URI base = URI.create("http://127.0.0.1:" + productpage.port());

    HttpResponse<String> login = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(base.resolve("/login"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("username=jason&passwd=x")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(login.statusCode()).isEqualTo(302);
    assertThat(login.headers().firstValue("location")).hasValue("/productpage");
    assertThat(login.headers().allValues("set-cookie")).containsExactly("user=jason; Path=/");

    // A browser: follows the redirect with the cookie it was given.
    HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
        .followRedirects(HttpClient.Redirect.NORMAL).build();
    HttpResponse<String> signedIn = browser.send(
        HttpRequest.newBuilder(base.resolve("/login"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("username=jason")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(signedIn.uri().getPath()).isEqualTo("/productpage");
    assertThat(signedIn.body()).contains("<span class=\"user\">jason</span>", "sign out")
        .doesNotContain("Sign in");
    assertThat(reviewsSeen.last().headers()).containsEntry("end-user", "jason")
        .containsEntry("cookie", "user=jason");
    assertThat(detailsSeen.last().headers()).containsEntry("end-user", "jason");
    assertThat(ratingsSeen.last().headers()).containsEntry("end-user", "jason");

    HttpResponse<String> signedOut = browser.send(
        HttpRequest.newBuilder(base.resolve("/logout")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(signedOut.uri().getPath()).isEqualTo("/productpage");
    assertThat(signedOut.body()).contains("Sign in").doesNotContain("jason");
    assertThat(reviewsSeen.last().headers()).doesNotContainKey("end-user");
  }

  @Test
  void anIncomingEndUserHeaderIsNotASignIn() throws Exception {
    RecordingRelay reviewsSeen = services.relayTo(reviews.get("v1"));
    BookinfoService productpage = productpage(reviewsSeen.port());

    page(productpage, "end-user", "mallory");

    assertThat(reviewsSeen.last().headers()).doesNotContainKey("end-user");
  }

  @Test
  void aSignInWithoutAUsableNameIsRefused() throws Exception {
    BookinfoService productpage = productpage(reviews.get("v1"));
    HttpClient client = HttpClient.newHttpClient();

    for (String form : new String[] {"passwd=x", "username=", "username=a%0Db"}) {
      HttpResponse<String> r = client.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + productpage.port() + "/login"))
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(form).isEqualTo(400);
      assertThat(r.headers().allValues("set-cookie")).isEmpty();
    }
  }

  @Test
  void traceHeadersArePassedOnToDetailsReviewsAndRatings() throws Exception {
    RecordingRelay ratingsSeen = services.relayTo(ratings);
    BookinfoService reviewsV3 =
        services.start(BookinfoKind.REVIEWS, "v3", Map.of("ratings", ratingsSeen.port()));
    RecordingRelay reviewsSeen = services.relayTo(reviewsV3.port());
    RecordingRelay detailsSeen = services.relayTo(details);
    BookinfoService productpage =
        productpage(detailsSeen.port(), reviewsSeen.port(), BookinfoTimeouts.ORIGINAL);
    Map<String, String> trace = new HashMap<>();
    trace.put("x-request-id", "6d4b2bd4-1c1a-4a4e-9d67-3bd9e0f1b7a1");
    trace.put("x-b3-traceid", "463ac35c9f6413ad48485a3953bb6124");
    trace.put("x-b3-spanid", "a2fb4a1d1a96d312");
    trace.put("x-b3-parentspanid", "0020000000000001");
    trace.put("x-b3-sampled", "1");
    trace.put("x-b3-flags", "0");
    trace.put("b3", "463ac35c9f6413ad48485a3953bb6124-a2fb4a1d1a96d312-1");
    trace.put("traceparent", "00-463ac35c9f6413ad48485a3953bb6124-a2fb4a1d1a96d312-01");
    trace.put("tracestate", "congo=t61rcWkgMzE");
    trace.put("x-ot-span-context", "463ac35c9f6413ad;a2fb4a1d1a96d312;0000000000000000;cs");
    trace.put("x-datadog-trace-id", "1234567890");
    trace.put("x-datadog-parent-id", "9876543210");
    trace.put("x-datadog-sampling-priority", "1");
    trace.put("x-cloud-trace-context", "105445aa7843bc8bf206b12000100000/1;o=1");
    trace.put("grpc-trace-bin", "AABjqyY4Iiu7L6kgJdoH2y1WAQC9bKTsX2d1CgE");
    trace.put("user-agent", "bookinfo-test/1.0");
    String[] headers = trace.entrySet().stream()
        .flatMap(e -> Stream.of(e.getKey(), e.getValue())).toArray(String[]::new);

    page(productpage, headers);

    for (RecordingRelay seen : new RecordingRelay[] {detailsSeen, reviewsSeen, ratingsSeen}) {
      assertThat(seen.requests()).hasSize(1);
      assertThat(seen.last().headers()).containsAllEntriesOf(trace);
    }
    assertThat(detailsSeen.last().target().getPath()).isEqualTo("/details/0");
    assertThat(reviewsSeen.last().target().getPath()).isEqualTo("/reviews/0");
    assertThat(ratingsSeen.last().target().getPath()).isEqualTo("/ratings/0");
  }

  @Test
  void reviewsDownShowsTheOriginalMessageAndStillTheDetails() throws Exception {
    String page = page(productpage(Ports.closed()));

    assertThat(page).contains("Error fetching product reviews!",
            "Sorry, product reviews are currently unavailable for this book.")
        .contains("<dt>Publisher:</dt>PublisherA")
        .doesNotContain("Book Reviews");
  }

  @Test
  void reviewsSlowerThanTheTimeoutAreTriedTwiceThenShownUnavailable() throws Exception {
    RecordingRelay slowReviews =
        services.relayTo(reviews.get("v2")).slowFor(2, Duration.ofSeconds(10));
    BookinfoTimeouts shortReviews = new BookinfoTimeouts(Duration.ofSeconds(3),
        Duration.ofMillis(300), 2, Duration.ofSeconds(3), Duration.ofSeconds(10), Duration.ofMillis(2500));
    BookinfoService productpage = productpage(details, slowReviews.port(), shortReviews);

    String page = page(productpage);

    assertThat(page).contains("Sorry, product reviews are currently unavailable for this book.")
        .doesNotContain("glyphicon-star");
    await().atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(slowReviews.requests()).hasSize(2));
  }

  @Test
  void aSecondTryOfReviewsThatSucceedsShowsTheReviews() throws Exception {
    RecordingRelay onceSlow =
        services.relayTo(reviews.get("v2")).slowFor(1, Duration.ofSeconds(10));
    BookinfoTimeouts shortReviews = new BookinfoTimeouts(Duration.ofSeconds(3),
        Duration.ofMillis(300), 2, Duration.ofSeconds(3), Duration.ofSeconds(10), Duration.ofMillis(2500));
    BookinfoService productpage = productpage(details, onceSlow.port(), shortReviews);

    String page = page(productpage);

    assertThat(page).contains("Book Reviews", "<font color=\"black\">");
    await().atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(onceSlow.requests()).hasSize(2));
  }

  @Test
  void detailsDownShowsTheOriginalMessageAndStillTheReviews() throws Exception {
    BookinfoService productpage =
        productpage(Ports.closed(), reviews.get("v2"), BookinfoTimeouts.ORIGINAL);

    String page = page(productpage);

    assertThat(page).contains("Error fetching product details!",
            "Sorry, product details are currently unavailable for this book.")
        .contains("<font color=\"black\">")
        .doesNotContain("Book Details");
  }

  @Test
  void ratingsDownShowsTheRatingsUnavailableMessage() throws Exception {
    BookinfoService reviewsWithoutRatings =
        services.start(BookinfoKind.REVIEWS, "v2", Map.of("ratings", Ports.closed()));

    String page = page(productpage(reviewsWithoutRatings.port()));

    assertThat(count(page, "<p><i>Ratings service is currently unavailable</i></p>")).isEqualTo(2);
    assertThat(page).contains("Book Reviews").doesNotContain("glyphicon-star");
  }

  @Test
  void theApiAnswersProductsDetailsReviewsAndRatingsWithTheirStatus() throws Exception {
    BookinfoService productpage = productpage(reviews.get("v3"));
    int port = productpage.port();

    HttpResponse<String> products = services.get(port, "/api/v1/products");
    assertThat(products.statusCode()).isEqualTo(200);
    assertThat(json.readTree(products.body())).hasSize(1);
    assertThat(json.readTree(products.body()).at("/0/title").asText()).isEqualTo("The Comedy of Errors");
    assertThat(json.readTree(services.get(port, "/api/v1/products/0").body()).get("publisher").asText())
        .isEqualTo("PublisherA");
    assertThat(json.readTree(services.get(port, "/api/v1/products/0/reviews").body())
        .at("/reviews/0/rating/color").asText()).isEqualTo("red");
    assertThat(json.readTree(services.get(port, "/api/v1/products/0/ratings").body()))
        .isEqualTo(json.readTree("{\"id\": 0, \"ratings\": {\"Reviewer1\": 5, \"Reviewer2\": 4}}"));

    HttpResponse<String> badId = services.get(port, "/api/v1/products/abc");
    assertThat(badId.statusCode()).isEqualTo(400);
    assertThat(json.readTree(badId.body()).get("error").asText()).isEqualTo(ProductPage.DETAILS_UNAVAILABLE);
    assertThat(services.get(port, "/api/v1/products/0/other").statusCode()).isEqualTo(404);
  }

  @Test
  void theApiGives500AndTheErrorWhenAServiceIsDown() throws Exception {
    BookinfoService productpage =
        productpage(Ports.closed(), Ports.closed(), BookinfoTimeouts.ORIGINAL);

    HttpResponse<String> d = services.get(productpage.port(), "/api/v1/products/0");
    HttpResponse<String> r = services.get(productpage.port(), "/api/v1/products/0/reviews");

    assertThat(d.statusCode()).isEqualTo(500);
    assertThat(json.readTree(d.body()).get("error").asText()).isEqualTo(ProductPage.DETAILS_UNAVAILABLE);
    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(json.readTree(r.body()).get("error").asText()).isEqualTo(ProductPage.REVIEWS_UNAVAILABLE);
  }

  @Test
  void healthAndTheFrontPage() throws Exception {
    BookinfoService productpage = productpage(reviews.get("v1"));

    HttpResponse<String> health = services.get(productpage.port(), "/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).isEqualTo("Product page is healthy");
    assertThat(services.get(productpage.port(), "/").body())
        .contains("productpage?u=normal", "productpage?u=test");
    assertThat(services.get(productpage.port(), "/nothing").statusCode()).isEqualTo(404);
  }

  @Test
  void aUserNameIsEscapedOnThePage() throws Exception {
    BookinfoService productpage = productpage(reviews.get("v1"));

    String page = page(productpage, "Cookie", UserCookie.signIn("<b>&\"x'</b>").split(";")[0]);

    assertThat(page).contains("<span class=\"user\">&lt;b&gt;&amp;&quot;x&#39;&lt;/b&gt;</span>")
        .doesNotContain("<b>&");
  }
}
