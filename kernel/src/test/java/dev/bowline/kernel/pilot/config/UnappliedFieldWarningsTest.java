package dev.bowline.kernel.pilot.config;

import static dev.bowline.kernel.pilot.config.CheckedYaml.errors;
import static dev.bowline.kernel.pilot.config.CheckedYaml.resource;
import static dev.bowline.kernel.pilot.config.CheckedYaml.virtualService;
import static dev.bowline.kernel.pilot.config.CheckedYaml.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Fields Bowline accepts but does not apply are reported, never silently ignored. */
class UnappliedFieldWarningsTest {

  private static final String NOT_APPLIED = "not applied by Bowline yet (accepted and stored)";

  @Test
  void faultInjectionInTheBookinfoRatingsRuleIsApplied() {
    assertThat(errors(BookinfoYaml.RATINGS_DELAY)).isEmpty();
    assertThat(warnings(BookinfoYaml.RATINGS_DELAY)).isEmpty();
  }

  @Test
  void warnsAboutEveryUntypedFieldAtItsPath() {
    String yaml = virtualService("""
        hosts: [reviews]
        tls:
        - match: [{sniHosts: [reviews]}]
          route: [{destination: {host: reviews}}]
        http:
        - match:
          - uri: {prefix: /}
            statPrefix: reviews
          route:
          - destination: {host: reviews}
          mirror: {host: reviews-shadow}
          mirrorPercentage: {value: 10}
          corsPolicy: {allowOrigins: [{exact: "https://example.com"}]}
        - directResponse:
            status: 503
            body: {string: unavailable}
        """);

    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).as("mirrors, CORS and direct response bodies are applied").containsExactly(
        "spec.tls: " + NOT_APPLIED
            + ": for sidecars (mesh): tls rules apply to gateways' TLS servers in PASSTHROUGH mode",
        "spec.http[0].match[0].statPrefix: " + NOT_APPLIED);
  }

  @Test
  void sourceScopingAndExportToOfVirtualServicesAreApplied() {
    String yaml = virtualService("""
        hosts: [reviews]
        exportTo: ["."]
        http:
        - match:
          - sourceLabels: {app: productpage}
            sourceNamespace: frontend
          route:
          - destination: {host: reviews}
          retries: {attempts: 3, perTryTimeout: 2s}
        """);

    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).isEmpty();
  }

  @Test
  void warnsAboutDestinationRulePoliciesNotApplied() {
    String yaml = resource("networking.istio.io/v1", "DestinationRule", """
        host: reviews
        trafficPolicy:
          loadBalancer:
            consistentHash: {httpHeaderName: x-user}
            warmupDurationSecs: 30s
          outlierDetection: {consecutive5xxErrors: 7, interval: 5m, baseEjectionTime: 15m}
          tls: {mode: ISTIO_MUTUAL}
          portLevelSettings:
          - port: {number: 9080}
            loadBalancer: {simple: PASSTHROUGH}
            tls: {mode: DISABLE}
        subsets:
        - name: v1
          labels: {version: v1}
        """);

    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).as("consistent hash, outlier detection and tls are applied").containsExactly(
        "spec.trafficPolicy.portLevelSettings[0].loadBalancer.simple: " + NOT_APPLIED
            + ": PASSTHROUGH needs original destination clusters; ROUND_ROBIN is used",
        "spec.trafficPolicy.loadBalancer.warmupDurationSecs: " + NOT_APPLIED);
  }

  @Test
  void treatsAnExplicitNullAsAbsent() {
    assertThat(warnings(virtualService("hosts: [a]\nhttp:\n- route: [{destination: {host: a}}]\n  fault: null\n"))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"AuthorizationPolicy", "RequestAuthentication"})
  void storesSecurityKindsWithOneWarning(String kind) {
    String yaml = resource("security.istio.io/v1", kind, "selector:\n  matchLabels: {app: reviews}\n");

    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).containsExactly("spec: " + kind + " is stored but not enforced by Bowline yet");
  }

  @Test
  void acceptsAnEmptyAuthorizationPolicyButRequiresAMappingSpec() {
    String allowNothing = "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\n"
        + "metadata: {name: allow-nothing, namespace: default}\nspec: {}\n";
    assertThat(errors(allowNothing)).isEmpty();
    assertThat(errors(allowNothing.replace("spec: {}", "spec: [deny]")))
        .containsExactly("spec: expected a mapping, found a list");
  }
}
