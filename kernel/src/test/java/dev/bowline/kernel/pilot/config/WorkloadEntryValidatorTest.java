package dev.bowline.kernel.pilot.config;

import static dev.bowline.kernel.pilot.config.CheckedYaml.errors;
import static dev.bowline.kernel.pilot.config.CheckedYaml.resource;
import static dev.bowline.kernel.pilot.config.CheckedYaml.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WorkloadEntryValidatorTest {

  private static String workload(String spec) {
    return resource("networking.istio.io/v1", "WorkloadEntry", spec);
  }

  @Test
  void acceptsTheIstioDocsExample() {
    String yaml = workload("serviceAccount: details-legacy\naddress: 2.2.2.2\nlabels:\n  app: details-legacy\n"
        + "  instance-id: vm1\nports: {http: 9080}\n");
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).isEmpty();
    assertThat(errors(workload("address: vm1.example.com\n"))).isEmpty();
    assertThat(errors(workload("address: \"2001:db8::1\"\n"))).isEmpty();
    assertThat(errors(workload("address: unix:///var/run/app.sock\n"))).isEmpty();
  }

  @Test
  void requiresAnAddressUnlessANetworkIsSet() {
    assertThat(errors(workload("labels: {app: a}\n"))).containsExactly("spec.address: required (unless network is set)");
    String networked = workload("network: vpc-2\nlabels: {app: a}\n");
    assertThat(errors(networked)).isEmpty();
    assertThat(warnings(networked)).containsExactly("spec.network: not applied by Bowline yet (accepted and stored):"
        + " every workload is taken to be reachable directly");
  }

  @Test
  void checksAddressPortsLabelsAndWeight() {
    assertThat(errors(workload("address: \"not an address\"\nports: {HTTP: 80, grpc: 70000}\nlabels: {app: \"a b\"}\n"
        + "weight: -1\n"))).containsExactly(
            "spec.address: \"not an address\" is not an IP address or a host name",
            "spec.ports.HTTP: \"HTTP\" is not a valid port name (a DNS-1123 label)",
            "spec.ports.grpc: port number must be between 1 and 65535, found 70000",
            "spec.labels.app: label value \"a b\" must be at most 63 letters, digits, '-', '_' or '.', starting and"
                + " ending with a letter or digit",
            "spec.weight: must not be negative, found -1");
    assertThat(errors(workload("address: unix://relative.sock\nports: {http: 80}\n"))).containsExactly(
        "spec.address: \"relative.sock\" is not an absolute path to a socket file",
        "spec.ports: a unix:// endpoint has no ports");
  }
}
