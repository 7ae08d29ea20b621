package dev.bowline.kernel.pilot.config;

import static dev.bowline.kernel.pilot.config.CheckedYaml.errors;
import static dev.bowline.kernel.pilot.config.CheckedYaml.resource;
import static dev.bowline.kernel.pilot.config.CheckedYaml.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Istio's rules for PeerAuthentication, and the DestinationRule {@code tls} settings beside it. */
class PeerAuthenticationValidatorTest {

  private static String pa(String spec) {
    return resource("security.istio.io/v1", "PeerAuthentication", spec);
  }

  private static String dr(String spec) {
    return resource("networking.istio.io/v1", "DestinationRule", spec);
  }

  @Test
  void acceptsEveryModeAtEveryScopeWithoutWarnings() {
    String yaml = pa("""
        selector: {matchLabels: {app: reviews}}
        mtls: {mode: PERMISSIVE}
        portLevelMtls:
          "9080": {mode: STRICT}
          "15020": {mode: DISABLE}
        """);
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).isEmpty();
    assertThat(errors(pa("mtls: {mode: UNSET}"))).isEmpty();
  }

  @Test
  void rejectsUnknownModesPortsAndPortRulesWithoutSelector() {
    assertThat(errors(pa("mtls: {mode: MUTUAL}")))
        .containsExactly("spec.mtls.mode: must be one of UNSET, DISABLE, PERMISSIVE, STRICT, found \"MUTUAL\"");
    assertThat(errors(pa("portLevelMtls: {\"8080\": {mode: STRICT}}")))
        .singleElement().asString().startsWith("spec.portLevelMtls: needs a selector");
    assertThat(errors(pa("""
        selector: {matchLabels: {app: a}}
        portLevelMtls: {http: {mode: STRICT}, "70000": {mode: STRICT}, "80": {mode: LOOSE}}
        """)))
        .anySatisfy(e -> assertThat(e).startsWith("spec.portLevelMtls.http").contains("not a port number"))
        .anySatisfy(e -> assertThat(e).startsWith("spec.portLevelMtls.70000"))
        .anySatisfy(e -> assertThat(e).startsWith("spec.portLevelMtls.80.mode"));
  }

  @Test
  void destinationRuleTlsFollowsIstiosRulesPerMode() {
    assertThat(errors(dr("host: a\ntrafficPolicy: {tls: {mode: ISTIO_MUTUAL}}"))).isEmpty();
    assertThat(warnings(dr("host: a\ntrafficPolicy: {tls: {mode: ISTIO_MUTUAL}}"))).isEmpty();
    assertThat(errors(dr("host: a\ntrafficPolicy: {tls: {mode: ISTIO_MUTUAL, caCertificates: /ca.pem}}")))
        .singleElement().asString().startsWith("spec.trafficPolicy.tls: ISTIO_MUTUAL uses the mesh's");
    assertThat(errors(dr("host: a\ntrafficPolicy: {tls: {mode: MUTUAL, clientCertificate: /c.pem}}")))
        .singleElement().asString().contains("MUTUAL needs clientCertificate and privateKey");
    assertThat(errors(dr("host: a\ntrafficPolicy: {tls: {mode: SIMPLE, caCertificates: ca.pem, sni: \"bad host\"}}")))
        .anySatisfy(e -> assertThat(e).startsWith("spec.trafficPolicy.tls.caCertificates").contains("absolute"))
        .anySatisfy(e -> assertThat(e).startsWith("spec.trafficPolicy.tls.sni"));
    assertThat(errors(dr("host: a\ntrafficPolicy: {tls: {mode: DISABLE, sni: a.example}}")))
        .singleElement().asString().contains("DISABLE sends plaintext");
    assertThat(errors(dr("host: a\ntrafficPolicy: {tls: {mode: OPTIONAL}}")))
        .singleElement().asString().startsWith("spec.trafficPolicy.tls.mode: must be one of");
    assertThat(warnings(dr("host: a\ntrafficPolicy: {tls: {mode: SIMPLE, credentialName: s, insecureSkipVerify: true}}")))
        .anySatisfy(w -> assertThat(w).startsWith("spec.trafficPolicy.tls.credentialName"))
        .anySatisfy(w -> assertThat(w).startsWith("spec.trafficPolicy.tls.insecureSkipVerify"));
  }
}
