package dev.bowline.kernel.demo.bookinfo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Upstreams#viaSidecar}: the services call through an HTTP proxy on loopback (here a
 * recording relay playing the sidecar's outbound listener), in absolute form with the service
 * name as host, as a Bowline or Envoy sidecar routes them.
 */
class ThroughASidecarTest {

  private final RunningServices services = new RunningServices();

  @AfterEach
  void stop() {
    services.close();
  }

  @Test
  void callsGoToTheOutboundListenerInAbsoluteFormByServiceName() throws Exception {
    int ratings = services.start(BookinfoKind.RATINGS, "v1", Map.of()).port();
    int details = services.start(BookinfoKind.DETAILS, "v1", Map.of()).port();
    RecordingRelay reviewsSidecar = services.relayByHost(Map.of("ratings", ratings));
    int reviews = services.keep(
        BookinfoService.start(BookinfoKind.REVIEWS, "v2", 0, reviewsSidecar.port())).port();
    RecordingRelay productpageSidecar = services.relayByHost(
        Map.of("details", details, "reviews", reviews, "ratings", ratings));
    BookinfoService productpage = services.keep(
        BookinfoService.start(BookinfoKind.PRODUCTPAGE, "v1", 0, productpageSidecar.port()));

    String page = services.get(productpage.port(), "/productpage", "x-request-id", "r-1").body();

    assertThat(page).contains("<dt>Publisher:</dt>PublisherA", "<font color=\"black\">");
    assertThat(productpageSidecar.requests()).extracting(RecordingRelay.Recorded::target)
        .containsExactly(URI.create("http://details/details/0"), URI.create("http://reviews/reviews/0"));
    assertThat(productpageSidecar.requests()).extracting(r -> r.headers().get("host"))
        .containsExactly("details", "reviews");
    assertThat(reviewsSidecar.requests()).singleElement().satisfies(r -> {
      assertThat(r.target()).isEqualTo(URI.create("http://ratings/ratings/0"));
      assertThat(r.headers()).containsEntry("host", "ratings").containsEntry("x-request-id", "r-1");
    });
  }

  @Test
  void aServicePortIsNamedInTheHostWhenGiven() throws Exception {
    int ratings = services.start(BookinfoKind.RATINGS, "v1", Map.of()).port();
    RecordingRelay sidecar = services.relayByHost(Map.of("ratings", ratings));
    BookinfoService reviews = services.start(BookinfoOptions.of(
        BookinfoKind.REVIEWS, "v3", 0, Upstreams.viaSidecar(sidecar.port(), 9080)));

    String body = services.get(reviews.port(), "/reviews/0").body();

    assertThat(body).contains("\"color\":\"red\"");
    assertThat(sidecar.last().target()).isEqualTo(URI.create("http://ratings:9080/ratings/0"));
    assertThat(sidecar.last().headers()).containsEntry("host", "ratings:9080");
  }
}
