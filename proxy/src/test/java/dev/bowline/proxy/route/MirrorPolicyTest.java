package dev.bowline.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A route's {@code request_mirror_policies}: which requests are mirrored, and where. */
class MirrorPolicyTest {

  private static List<MirrorPolicy> mirrors(String policiesYaml) {
    RouteEntry entry =
        RouteYaml.routes(
                """
                - match: {prefix: /}
                  route:
                    cluster: app
                    request_mirror_policies:
                """
                    + policiesYaml.indent(4))
            .route(TestRequest.of("/"));
    return ((ForwardAction) entry.action()).mirrorPolicies();
  }

  private static int sampledOutOf(MirrorPolicy policy, int draws) {
    int sampled = 0;
    for (int random = 0; random < draws; random++) {
      if (policy.sampled(random)) {
        sampled++;
      }
    }
    return sampled;
  }

  @Test
  void withoutAFractionEveryRequestIsMirrored() {
    MirrorPolicy policy = mirrors("- cluster: shadow").get(0);

    assertThat(policy.cluster()).isEqualTo("shadow");
    assertThat(sampledOutOf(policy, 1000)).isEqualTo(1000);
    assertThat(policy.sampled(-1L)).isTrue();
  }

  @Test
  void istiosMirrorPercentageIsAFractionOfAMillion() {
    // mirrorPercentage: {value: 25.0} as Istio writes it, with trace_sampled false.
    MirrorPolicy policy =
        mirrors(
                """
                - cluster: outbound|80||shadow.default.svc.cluster.local
                  runtime_fraction: {default_value: {numerator: 250000, denominator: MILLION}}
                  trace_sampled: false
                """)
            .get(0);

    // The draws are the residues modulo the denominator: exactly a quarter of them.
    assertThat(sampledOutOf(policy, 1_000_000)).isEqualTo(250_000);
  }

  @Test
  void fractionsOfAHundredAndTenThousandAndTheirBounds() {
    List<MirrorPolicy> policies =
        mirrors(
            """
            - {cluster: a, runtime_fraction: {default_value: {numerator: 10}}}
            - {cluster: b, runtime_fraction: {default_value: {numerator: 1, denominator: TEN_THOUSAND}}}
            - {cluster: c, runtime_fraction: {default_value: {numerator: 0}}}
            - {cluster: d, runtime_fraction: {default_value: {numerator: 150}}}
            """);

    assertThat(sampledOutOf(policies.get(0), 100)).isEqualTo(10);
    assertThat(sampledOutOf(policies.get(1), 10_000)).isEqualTo(1);
    assertThat(sampledOutOf(policies.get(2), 1000)).isZero();
    assertThat(sampledOutOf(policies.get(3), 1000)).isEqualTo(1000);
  }

  @Test
  void theShadowAuthorityGetsASuffixBeforeThePort() {
    MirrorPolicy policy = mirrors("- cluster: shadow").get(0);

    assertThat(policy.shadowAuthority("foo")).isEqualTo("foo-shadow");
    assertThat(policy.shadowAuthority("foo:8080")).isEqualTo("foo-shadow:8080");
    assertThat(policy.shadowAuthority("reviews.default.svc.cluster.local:9080"))
        .isEqualTo("reviews.default.svc.cluster.local-shadow:9080");
    assertThat(policy.shadowAuthority("[::1]:80")).isEqualTo("[::1]-shadow:80");
    assertThat(policy.shadowAuthority(null)).isNull();
  }

  @Test
  void theSuffixCanBeDisabled() {
    MirrorPolicy policy =
        mirrors("- {cluster: shadow, disable_shadow_host_suffix_append: true}").get(0);

    assertThat(policy.shadowAuthority("foo:8080")).isEqualTo("foo:8080");
  }

  @Test
  void severalPoliciesKeepTheirOrder() {
    assertThat(mirrors("- {cluster: one}\n- {cluster: two}"))
        .extracting(MirrorPolicy::cluster)
        .containsExactly("one", "two");
  }
}
