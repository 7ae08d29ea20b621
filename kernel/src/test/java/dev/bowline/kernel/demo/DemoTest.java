package dev.bowline.kernel.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code bowline demo}: Bookinfo through the ingress gateway, every service behind its sidecar. */
class DemoTest {

  @RegisterExtension static final RunningBookinfo bookinfo = new RunningBookinfo();

  @Test
  void theGatewayServesTheProductPageWithEveryReviewsVersionInTurn() {
    Set<String> shown = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      BookinfoPage page = bookinfo.page();
      assertThat(page.status()).as(page.body()).isEqualTo(200);
      assertThat(page.body()).contains("The Comedy of Errors", "Book Details", "ISBN-10");
      assertThat(page.detailsUnavailable()).isFalse();
      assertThat(page.reviewsUnavailable()).isFalse();
      assertThat(page.ratingsUnavailable()).as(page.toString()).isFalse();
      shown.add(page.reviewsVersion().orElseThrow() + "/" + page.stars());
    }
    assertThat(shown).containsExactlyInAnyOrder("v1/none", "v2/black", "v3/red");
    assertThat(bookinfo.get("/api/v1/products/0/ratings").body()).contains("\"Reviewer1\":5");
    assertThat(bookinfo.get("/nothing-routed-here").statusCode()).isEqualTo(404);
  }

  @Test
  void aSidecarsConfigDumpShowsWhatItHoldsAsEnvoysDoes() {
    String dump = bookinfo.send(java.net.http.HttpRequest.newBuilder(
        bookinfo.admin("productpage-v1").resolve("/config_dump")).build()).body();
    assertThat(dump).contains(
        "\"@type\" : \"type.googleapis.com/envoy.admin.v3.BootstrapConfigDump\"",
        "\"id\" : \"sidecar~127.0.0.1~productpage-v1.default~default.svc.cluster.local\"",
        "type.googleapis.com/envoy.admin.v3.ClustersConfigDump",
        "dynamic_active_clusters",
        "outbound|9080|v2|reviews.default.svc.cluster.local",
        "dynamic_listeners",
        "envoy.filters.http.fault",
        "dynamic_route_configs",
        "reviews.default.svc.cluster.local:9080",
        "dynamic_endpoint_configs",
        "\"connected\" : true");
  }
}
