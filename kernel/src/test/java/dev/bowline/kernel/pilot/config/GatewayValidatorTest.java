package dev.bowline.kernel.pilot.config;

import static dev.bowline.kernel.pilot.config.CheckedYaml.errors;
import static dev.bowline.kernel.pilot.config.CheckedYaml.resource;
import static dev.bowline.kernel.pilot.config.CheckedYaml.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GatewayValidatorTest {

  private static String gateway(String spec) {
    return resource("networking.istio.io/v1", "Gateway", spec);
  }

  private static String server(String port, String rest) {
    return gateway("selector: {istio: ingressgateway}\nservers:\n- port: " + port + "\n  hosts: [httpbin.example.com]\n"
        + rest.lines().map(l -> "  " + l + "\n").reduce("", String::concat));
  }

  @Test
  void acceptsTheBookinfoGateway() {
    String yaml = BookinfoYaml.BOOKINFO_GATEWAY.substring(0, BookinfoYaml.BOOKINFO_GATEWAY.indexOf("---"));
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).isEmpty();
  }

  @Test
  void requiresServers() {
    assertThat(errors(gateway("selector: {istio: ingressgateway}\nservers: []\n")))
        .containsExactly("spec.servers: at least one server is required");
  }

  @ParameterizedTest
  @ValueSource(strings = {"HTTP", "http", "GRPC", "HTTP2", "TCP", "MONGO"})
  void acceptsPlainProtocols(String protocol) {
    assertThat(errors(server("{number: 80, name: p, protocol: " + protocol + "}", ""))).isEmpty();
  }

  @Test
  void checksThePort() {
    assertThat(errors(server("{number: 0, name: http, protocol: HTTP}", ""))).containsExactly(
        "spec.servers[0].port.number: port number must be between 1 and 65535, found 0");
    assertThat(errors(server("{number: 80, protocol: HTTP}", ""))).containsExactly("spec.servers[0].port.name: required");
    assertThat(errors(server("{number: 80, name: udp, protocol: UDP}", ""))).containsExactly(
        "spec.servers[0].port.protocol: \"UDP\" is not supported; one of HTTP, HTTPS, GRPC, HTTP2, TCP, TLS, MONGO");
    assertThat(errors(gateway("servers:\n- hosts: [a.com]\n"))).containsExactly("spec.servers[0].port: required");
  }

  @Test
  void requiresUniquePortNamesAcrossServers() {
    assertThat(errors(gateway("""
        servers:
        - port: {number: 80, name: http, protocol: HTTP}
          hosts: [a.example.com]
        - port: {number: 8080, name: http, protocol: HTTP}
          hosts: [b.example.com]
        """))).containsExactly("spec.servers[1].port.name: duplicate port name \"http\" (also servers[0]);"
            + " port names must be unique across servers");
  }

  @Test
  void checksHosts() {
    assertThat(errors(gateway("servers:\n- port: {number: 80, name: http, protocol: HTTP}\n  hosts: []\n")))
        .containsExactly("spec.servers[0].hosts: at least one host is required");
    assertThat(errors(gateway("servers:\n- port: {number: 80, name: http, protocol: HTTP}\n"
        + "  hosts: [\"bookinfo/*.example.com\", \"./reviews.default.svc.cluster.local\", \"*/*\", \"Prod/a.com\", \"a b\"]\n")))
        .containsExactly(
            "spec.servers[0].hosts[3]: \"Prod\" in \"Prod/a.com\" is not \"*\", \".\" or a namespace",
            "spec.servers[0].hosts[4]: \"a b\" is not a valid host name (label \"a b\")");
  }

  @Test
  void requiresCertificateAndKeyForSimpleHttps() {
    assertThat(errors(server("{number: 443, name: https, protocol: HTTPS}", "tls: {mode: SIMPLE}")))
        .containsExactly(
            "spec.servers[0].tls.serverCertificate: required in SIMPLE mode (or set credentialName)",
            "spec.servers[0].tls.privateKey: required in SIMPLE mode (or set credentialName)");
    String files = server("{number: 443, name: https, protocol: HTTPS}",
        "tls: {mode: SIMPLE, serverCertificate: /etc/certs/tls.crt, privateKey: /etc/certs/tls.key}");
    assertThat(errors(files)).isEmpty();
    assertThat(warnings(files)).isEmpty();
    String credential = server("{number: 443, name: https, protocol: HTTPS}",
        "tls: {mode: SIMPLE, credentialName: httpbin-credential}");
    assertThat(errors(credential)).isEmpty();
    assertThat(warnings(credential)).containsExactly("spec.servers[0].tls.credentialName: not applied by Bowline yet"
        + " (accepted and stored): Bowline reads serverCertificate and privateKey files");
  }

  @Test
  void requiresTlsSettingsOnTlsServersOnly() {
    assertThat(errors(server("{number: 443, name: https, protocol: HTTPS}", "")))
        .containsExactly("spec.servers[0].tls: required for HTTPS servers");
    assertThat(errors(server("{number: 80, name: http, protocol: HTTP}", "tls: {httpsRedirect: true}"))).isEmpty();
    assertThat(errors(server("{number: 80, name: http, protocol: HTTP}", "tls: {mode: SIMPLE, credentialName: x}")))
        .containsExactly("spec.servers[0].tls: TLS settings are only allowed on HTTPS and TLS servers"
            + " (an HTTP server may set httpsRedirect alone)");
  }

  @Test
  void warnsAboutTlsModesNotApplied() {
    assertThat(warnings(server("{number: 443, name: tls, protocol: TLS}", "tls: {mode: PASSTHROUGH}")))
        .as("PASSTHROUGH is served").isEmpty();
    assertThat(warnings(server("{number: 443, name: https, protocol: HTTPS}",
        "tls: {mode: MUTUAL, serverCertificate: /a, privateKey: /b, caCertificates: /c}")))
        .as("MUTUAL is served").isEmpty();
    assertThat(warnings(server("{number: 443, name: tls, protocol: TLS}", "tls: {mode: AUTO_PASSTHROUGH}")))
        .containsExactly("spec.servers[0].tls.mode: not applied by Bowline yet (accepted and stored): Bowline's"
            + " gateways serve SIMPLE, MUTUAL and PASSTHROUGH");
    assertThat(errors(server("{number: 443, name: https, protocol: HTTPS}", "tls: {mode: MUTUAL, serverCertificate: a,"
        + " privateKey: b}"))).containsExactly(
            "spec.servers[0].tls.caCertificates: required in MUTUAL mode (or set credentialName)");
    assertThat(errors(server("{number: 443, name: https, protocol: HTTPS}", "tls: {mode: ISTIO_MUTUAL, privateKey: b}")))
        .singleElement().asString().startsWith("spec.servers[0].tls: ISTIO_MUTUAL uses the mesh's certificates");
    assertThat(errors(server("{number: 443, name: https, protocol: HTTPS}", "tls: {mode: STRICT}")))
        .singleElement().asString().startsWith("spec.servers[0].tls.mode: must be one of PASSTHROUGH, SIMPLE,");
  }

  @Test
  void requiresADnsLabelName() {
    assertThat(errors(BookinfoYaml.BOOKINFO_GATEWAY.substring(0, BookinfoYaml.BOOKINFO_GATEWAY.indexOf("---"))
        .replace("name: bookinfo-gateway", "name: bookinfo.gateway")))
        .containsExactly("metadata.name: a Gateway's name must be a DNS-1123 label (no dots), found \"bookinfo.gateway\"");
  }
}
