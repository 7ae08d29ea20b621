package dev.bowline.kernel.pilot.istio;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * Istio's {@code Gateway} spec: the ports a gateway proxy (chosen by {@code selector} labels)
 * opens, and for which hosts.
 */
public record Gateway(Map<String, String> selector, List<Server> servers) {

  public Gateway {
    selector = selector == null ? Map.of() : Map.copyOf(selector);
    servers = Lists.of(servers);
  }

  /** One server: a port, its hosts and its TLS settings. */
  public record Server(Port port, String bind, List<String> hosts, ServerTls tls, String name,
      JsonNode defaultEndpoint) {
    public Server {
      hosts = Lists.of(hosts);
    }
  }

  /** A gateway port: number, name and protocol (HTTP, HTTPS, GRPC, HTTP2, TCP, TLS). */
  public record Port(int number, String name, String protocol, int targetPort) {}

  /** Istio's {@code ServerTLSSettings}. */
  public record ServerTls(
      boolean httpsRedirect,
      String mode,
      String serverCertificate,
      String privateKey,
      String caCertificates,
      JsonNode caCrl,
      String credentialName,
      JsonNode credentialNames,
      JsonNode tlsCertificates,
      List<String> subjectAltNames,
      JsonNode verifyCertificateSpki,
      JsonNode verifyCertificateHash,
      String minProtocolVersion,
      String maxProtocolVersion,
      JsonNode cipherSuites) {
    public ServerTls {
      subjectAltNames = Lists.of(subjectAltNames);
    }
  }
}
