package dev.bowline.kernel.pilot.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.kernel.pilot.config.ApplyOutcome.Action;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class ConfigAnalyzerTest {

  private static final Predicate<String> BOOKINFO_SERVICES = Set.of(
      "reviews.default.svc.cluster.local", "ratings.default.svc.cluster.local",
      "productpage.default.svc.cluster.local", "details.default.svc.cluster.local")::contains;

  private final ConfigStore store = new ConfigStore(MeshSettings.DEFAULTS, Optional.empty());

  private List<String> analyze(String yaml) {
    assertThat(store.apply("in.yaml", yaml, "api")).extracting(ApplyOutcome::action).doesNotContain(Action.REJECTED);
    return new ConfigAnalyzer().analyze(store.snapshot(), BOOKINFO_SERVICES, MeshSettings.DEFAULTS).stream()
        .map(Finding::toString).toList();
  }

  @Test
  void findsNothingWrongWithBookinfo() {
    assertThat(analyze(BookinfoYaml.BOOKINFO_GATEWAY + "---\n" + BookinfoYaml.REVIEWS_VIRTUAL_SERVICE + "---\n"
        + BookinfoYaml.REVIEWS_DESTINATION_RULE + "---\n" + BookinfoYaml.HTTPBIN_SERVICE_ENTRY)).isEmpty();
  }

  @Test
  void findsASubsetNoDestinationRuleDefines() {
    assertThat(analyze(BookinfoYaml.REVIEWS_DESTINATION_RULE + "---\n"
        + BookinfoYaml.REVIEWS_50_V3.replace("subset: v3", "subset: v4") + "---\n" + BookinfoYaml.RATINGS_DELAY))
        .containsExactly(
            "ERROR VirtualService default/ratings: spec.http[0].route[0].destination.subset: subset \"v1\" of"
                + " ratings.default.svc.cluster.local is not defined by any DestinationRule (none has that host)",
            "ERROR VirtualService default/ratings: spec.http[1].route[0].destination.subset: subset \"v1\" of"
                + " ratings.default.svc.cluster.local is not defined by any DestinationRule (none has that host)",
            "ERROR VirtualService default/reviews: spec.http[0].route[1].destination.subset: subset \"v4\" of"
                + " reviews.default.svc.cluster.local is not defined by DestinationRule default/reviews");
  }

  @Test
  void findsAnUnknownDestinationHostUnlessAServiceEntryDeclaresIt() {
    String vs = CheckedYaml.virtualService("""
        hosts: [shop.example.com]
        gateways: [mesh]
        http:
        - route:
          - destination: {host: api.payments.example.com}
        - route:
          - destination: {host: reviews.prod}
        """);
    assertThat(analyze(vs)).containsExactly(
        "ERROR VirtualService default/test: spec.http[0].route[0].destination.host: host api.payments.example.com is"
            + " not a known service and no ServiceEntry declares it",
        "ERROR VirtualService default/test: spec.http[1].route[0].destination.host: host reviews.prod is not a known"
            + " service and no ServiceEntry declares it");

    assertThat(analyze(CheckedYaml.resource("networking.istio.io/v1", "ServiceEntry",
        "hosts: [\"*.example.com\"]\nports: [{number: 443, name: tls, protocol: TLS}]\nresolution: NONE\n")
        .replace("name: test", "name: example"))).singleElement().asString().contains("reviews.prod");
  }

  @Test
  void warnsAboutADestinationRuleForAnUnknownHost() {
    assertThat(analyze(BookinfoYaml.REVIEWS_DESTINATION_RULE.replace("host: reviews", "host: reveiws")))
        .containsExactly("WARNING DestinationRule default/reviews: spec.host: host reveiws.default.svc.cluster.local"
            + " is not a known service and no ServiceEntry declares it");
  }

  @Test
  void findsTwoVirtualServicesClaimingAHostOnTheSameGateway() {
    String other = BookinfoYaml.REVIEWS_50_V3.replace("name: reviews", "name: reviews-canary")
        .replace("- reviews\n", "- reviews.default.svc.cluster.local\n");
    String onGateway = CheckedYaml.virtualService("hosts: [reviews]\ngateways: [bookinfo-gateway]\n"
        + "http:\n- route: [{destination: {host: reviews}}]\n");
    String gateway = BookinfoYaml.BOOKINFO_GATEWAY.substring(0, BookinfoYaml.BOOKINFO_GATEWAY.indexOf("---"));

    assertThat(analyze(BookinfoYaml.REVIEWS_VIRTUAL_SERVICE + "---\n" + other + "---\n" + onGateway + "---\n" + gateway
        + "---\n" + BookinfoYaml.REVIEWS_DESTINATION_RULE))
        .containsExactly(
            "ERROR VirtualService default/reviews: spec.hosts[0]: host reviews.default.svc.cluster.local on gateway"
                + " mesh is also claimed by VirtualService default/reviews-canary; only one VirtualService may route"
                + " a host on a gateway",
            "ERROR VirtualService default/reviews-canary: spec.hosts[0]: host reviews.default.svc.cluster.local on"
                + " gateway mesh is also claimed by VirtualService default/reviews; only one VirtualService may route"
                + " a host on a gateway");
  }

  @Test
  void findsAMissingGateway() {
    String vs = BookinfoYaml.BOOKINFO_GATEWAY.substring(BookinfoYaml.BOOKINFO_GATEWAY.indexOf("---\n") + 4)
        .replace("- bookinfo-gateway", "- bookinfo-gateway\n  - istio-system/ingress");
    assertThat(analyze(vs)).containsExactly(
        "ERROR VirtualService default/bookinfo: spec.gateways[0]: gateway default/bookinfo-gateway does not exist",
        "ERROR VirtualService default/bookinfo: spec.gateways[1]: gateway istio-system/ingress does not exist");
  }
}
