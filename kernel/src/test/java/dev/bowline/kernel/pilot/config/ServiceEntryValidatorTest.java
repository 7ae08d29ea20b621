package dev.bowline.kernel.pilot.config;

import static dev.bowline.kernel.pilot.config.CheckedYaml.errors;
import static dev.bowline.kernel.pilot.config.CheckedYaml.resource;
import static dev.bowline.kernel.pilot.config.CheckedYaml.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServiceEntryValidatorTest {

  private static String entry(String spec) {
    return resource("networking.istio.io/v1", "ServiceEntry", spec);
  }

  @Test
  void acceptsIstioDocsExamples() {
    assertThat(errors(BookinfoYaml.HTTPBIN_SERVICE_ENTRY)).isEmpty();
    assertThat(warnings(BookinfoYaml.HTTPBIN_SERVICE_ENTRY)).isEmpty();
    assertThat(errors(entry("""
        hosts: [details.bookinfo.com]
        location: MESH_INTERNAL
        ports:
        - number: 80
          name: http
          protocol: HTTP
          targetPort: 8080
        resolution: STATIC
        workloadSelector:
          labels:
            app: details-legacy
        """))).isEmpty();
    assertThat(errors(entry("""
        hosts: [mymongodb.somedomain]
        location: MESH_EXTERNAL
        ports:
        - number: 27018
          name: mongodb
          protocol: MONGO
        resolution: STATIC
        endpoints:
        - address: 2.2.2.2
        - address: 3.3.3.3
          ports: {mongodb: 27019}
        """))).isEmpty();
  }

  @Test
  void requiresHostsAndPorts() {
    assertThat(errors(entry("hosts: []\nports: []\n"))).containsExactly(
        "spec.hosts: at least one host is required", "spec.ports: at least one port is required");
    assertThat(errors(entry("hosts: [\"*\"]\nports: [{number: 80, name: http, protocol: HTTP}]\n")))
        .containsExactly("spec.hosts[0]: the wildcard host * is not allowed in a ServiceEntry");
  }

  @Test
  void requiresUniquePortNumbersAndNames() {
    assertThat(errors(entry("""
        hosts: [api.example.com]
        ports:
        - {number: 80, name: http, protocol: HTTP}
        - {number: 80, name: http-alt, protocol: HTTP}
        - {number: 8080, name: http, protocol: HTTP}
        - {number: 70000, name: Web, protocol: SPDY}
        resolution: DNS
        """))).containsExactly(
            "spec.ports[1].number: duplicate port 80 (also ports[0])",
            "spec.ports[2].name: duplicate port name \"http\" (also ports[0])",
            "spec.ports[3].number: port number must be between 1 and 65535, found 70000",
            "spec.ports[3].name: \"Web\" is not a valid port name (a DNS-1123 label)",
            "spec.ports[3].protocol: \"SPDY\" is not supported; one of HTTP, HTTPS, GRPC, GRPC-WEB, HTTP2, HTTP_PROXY,"
                + " TCP, TLS, UDP, MONGO, MYSQL, REDIS");
  }

  @ParameterizedTest
  @ValueSource(strings = {"NONE", "STATIC", "DNS", "DNS_ROUND_ROBIN"})
  void acceptsEveryResolution(String resolution) {
    String endpoints = resolution.equals("NONE") ? "" : "endpoints: [{address: 10.0.0.1}]\n";
    assertThat(errors(entry("hosts: [a.example.com]\nports: [{number: 80, name: http}]\nresolution: " + resolution
        + "\n" + endpoints))).isEmpty();
  }

  @Test
  void refusesUnknownResolutionsAndLocations() {
    assertThat(errors(entry("hosts: [a.example.com]\nports: [{number: 80, name: http}]\nresolution: dns\n"
        + "location: EXTERNAL\n"))).containsExactly(
            "spec.resolution: must be one of NONE, STATIC, DNS, DNS_ROUND_ROBIN, found \"dns\"",
            "spec.location: must be one of MESH_EXTERNAL, MESH_INTERNAL, found \"EXTERNAL\"");
  }

  @Test
  void requiresEndpointsOrASelectorForStaticButNotBoth() {
    assertThat(errors(entry("hosts: [a.example.com]\nports: [{number: 80, name: http}]\nresolution: STATIC\n")))
        .containsExactly("spec: resolution STATIC needs endpoints or a workloadSelector");
    assertThat(errors(entry("hosts: [a.example.com]\nports: [{number: 80, name: http}]\nresolution: STATIC\n"
        + "endpoints: [{address: 10.0.0.1}]\nworkloadSelector: {labels: {app: a}}\n")))
        .containsExactly("spec: only one of endpoints or workloadSelector may be set");
    assertThat(errors(entry("hosts: [a.example.com]\nports: [{number: 80, name: http}]\nresolution: NONE\n"
        + "endpoints: [{address: 10.0.0.1}]\n"))).containsExactly("spec.endpoints: must be empty when resolution is NONE");
  }

  @Test
  void checksEndpoints() {
    assertThat(errors(entry("""
        hosts: [a.example.com]
        ports: [{number: 80, name: http}]
        resolution: STATIC
        endpoints:
        - ports: {http: 8080}
        - address: db.example.com
        - address: 10.0.0.2
          ports: {https: 8443, http: 0}
        """))).containsExactly(
            "spec.endpoints[0].address: required (unless network is set)",
            "spec.endpoints[1].address: \"db.example.com\" is not an IP address (required for STATIC resolution)",
            "spec.endpoints[2].ports.http: port number must be between 1 and 65535, found 0",
            "spec.endpoints[2].ports.https: \"https\" is not a port name of the ServiceEntry (http)");
    assertThat(errors(entry("hosts: [a.example.com]\nports: [{number: 80, name: http}]\nresolution: DNS\n"
        + "endpoints: [{address: us.a.example.com, ports: {http: 8080}}]\n"))).isEmpty();
  }

  @Test
  void requiresPlainHostsForDnsWithoutEndpoints() {
    assertThat(errors(entry("hosts: [\"*.example.com\"]\nports: [{number: 443, name: tls, protocol: TLS}]\nresolution: DNS\n")))
        .containsExactly("spec.hosts[0]: must be a host name without wildcard when resolution is DNS and there are no endpoints");
  }

  @Test
  void refusesSeveralHostsOnPlainTcpUnlessResolutionIsNone() {
    assertThat(errors(entry("hosts: [a.example.com, b.example.com]\nports: [{number: 5432, name: tcp, protocol: TCP}]\n"
        + "resolution: DNS\n"))).singleElement().asString()
        .startsWith("spec.ports[0]: a ServiceEntry with several hosts can only have HTTP or TLS ports");
    assertThat(errors(entry("hosts: [a.example.com, b.example.com]\nports: [{number: 5432, name: tcp, protocol: TCP}]\n"
        + "resolution: NONE\n"))).isEmpty();
  }

  @Test
  void warnsAboutAddressesAndExportTo() {
    String yaml = entry("hosts: [db.internal]\naddresses: [240.0.0.1]\nports: [{number: 5432, name: tcp, protocol: TCP}]\n"
        + "resolution: STATIC\nendpoints: [{address: 10.0.0.9}]\nexportTo: [\"~\"]\n");
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).containsExactly(
        "spec.addresses: not applied by Bowline yet (accepted and stored): traffic is matched by host name and port only",
        "spec.exportTo: not applied by Bowline yet (accepted and stored): every resource is visible in every namespace");
    assertThat(errors(entry("hosts: [db.internal]\naddresses: [240.0.0.1/33]\nports: [{number: 5432, name: tcp}]\n")))
        .containsExactly("spec.addresses[0]: \"240.0.0.1/33\" is not an IP address or CIDR block");
  }
}
