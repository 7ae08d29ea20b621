package dev.bowline.kernel.pilot.config;

import static dev.bowline.kernel.pilot.config.CheckedYaml.errors;
import static dev.bowline.kernel.pilot.config.CheckedYaml.resource;
import static dev.bowline.kernel.pilot.config.CheckedYaml.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Istio's rules for the Sidecar resource, each broken one reported at its field path. */
class SidecarValidatorTest {

  private static String sidecar(String spec) {
    return resource("networking.istio.io/v1", "Sidecar", spec);
  }

  @Test
  void acceptsTcpAndHttpEgressListenersWithoutWarnings() {
    String yaml = sidecar("""
        workloadSelector: {labels: {app: web}}
        egress:
        - port: {number: 5432, protocol: TCP, name: tcp-db}
          bind: 127.0.0.1
          hosts: [./db.shop.svc.cluster.local]
        - port: {number: 8080, protocol: HTTP, name: http-admin}
          captureMode: NONE
          hosts: ["*/*"]
        """);
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).isEmpty();
  }

  @Test
  void rejectsBrokenListenersNamingTheirFields() {
    String yaml = sidecar("""
        workloadSelector: {labels: {"bad key!": x}}
        egress:
        - hosts: ["./*"]
        - port: {number: 70000, protocol: UDP, name: Not_A_Label}
          bind: localhost
          hosts: [db.shop.svc.cluster.local, "Bad_NS/*", "./*"]
        - port: {number: 5432, protocol: SCTP}
          captureMode: SOMETIMES
          hosts: []
        - port: {number: 5432, protocol: TCP}
          bind: 127.0.0.1
          hosts: ["*/*"]
        """);
    assertThat(errors(yaml))
        .anySatisfy(e -> assertThat(e).startsWith("spec.workloadSelector.labels"))
        .anySatisfy(e -> assertThat(e).startsWith("spec.egress[0]: ").contains("must be the last"))
        .anySatisfy(e -> assertThat(e).startsWith("spec.egress[1].port.number"))
        .anySatisfy(e -> assertThat(e).startsWith("spec.egress[1].port.protocol").contains("UDP"))
        .anySatisfy(e -> assertThat(e).startsWith("spec.egress[1].port.name"))
        .anySatisfy(e -> assertThat(e).startsWith("spec.egress[1].bind").contains("localhost"))
        .anySatisfy(e -> assertThat(e).startsWith("spec.egress[1].hosts[0]").contains("namespace/dnsName"))
        .anySatisfy(e -> assertThat(e).startsWith("spec.egress[1].hosts[1]").contains("Bad_NS"))
        .anySatisfy(e -> assertThat(e).startsWith("spec.egress[2].port.protocol").contains("SCTP"))
        .anySatisfy(e -> assertThat(e).startsWith("spec.egress[2].captureMode"))
        .anySatisfy(e -> assertThat(e).startsWith("spec.egress[2].hosts").contains("at least one"))
        .anySatisfy(e -> assertThat(e).startsWith("spec.egress[3].port.number").contains("egress[2]"));
  }

  @Test
  void warnsAboutWhatIsStoredButNotApplied() {
    String yaml = sidecar("""
        egress:
        - port: {number: 5432, targetPort: 5433}
          captureMode: IPTABLES
          hosts: ["./*"]
        - hosts: ["./*", "istio-system/*"]
        ingress:
        - port: {number: 9080, protocol: HTTP, name: http}
          defaultEndpoint: 127.0.0.1:8080
        outboundTrafficPolicy: {mode: REGISTRY_ONLY}
        """);
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml))
        .anySatisfy(w -> assertThat(w).startsWith("spec.egress[0].port.targetPort"))
        .anySatisfy(w -> assertThat(w).startsWith("spec.egress[0].captureMode"))
        .anySatisfy(w -> assertThat(w).startsWith("spec.egress[1]: ").contains("every service"))
        .anySatisfy(w -> assertThat(w).startsWith("spec.ingress"))
        .anySatisfy(w -> assertThat(w).startsWith("spec.outboundTrafficPolicy"));
  }

  @Test
  void virtualServiceTcpRulesForSidecarsAreApplied() {
    String vs = CheckedYaml.virtualService("""
        hosts: [db]
        tcp:
        - route: [{destination: {host: db}}]
        """);
    assertThat(errors(vs)).isEmpty();
    assertThat(warnings(vs)).isEmpty();
  }
}
