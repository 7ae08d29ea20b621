package dev.bowline.kernel.pilot.config;

import static dev.bowline.kernel.pilot.config.FieldPaths.field;
import static dev.bowline.kernel.pilot.config.FieldPaths.index;

import dev.bowline.kernel.pilot.istio.Gateway;
import dev.bowline.kernel.pilot.istio.Gateway.Port;
import dev.bowline.kernel.pilot.istio.Gateway.Server;
import dev.bowline.kernel.pilot.istio.Gateway.ServerTls;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a Gateway spec with Istio's rules: at least one server; each with a valid port (number,
 * name unique across servers, a protocol Bowline serves), hosts of the form {@code host} or
 * {@code namespace/host}, and TLS settings that fit the protocol and mode. Warns about TLS modes
 * and fields Bowline does not apply yet. Stateless.
 */
final class GatewayValidator {

  private static final List<String> TLS_MODES = List.of(
      "PASSTHROUGH", "SIMPLE", "MUTUAL", "AUTO_PASSTHROUGH", "ISTIO_MUTUAL", "OPTIONAL_MUTUAL");
  private static final List<String> APPLIED_MODES = List.of("SIMPLE", "MUTUAL", "PASSTHROUGH");
  private static final List<String> TLS_VERSIONS =
      List.of("TLS_AUTO", "TLSV1_0", "TLSV1_1", "TLSV1_2", "TLSV1_3");

  private GatewayValidator() {}

  static void validate(Gateway gw, Validation v) {
    KubernetesNames.checkLabels(gw.selector(), "spec.selector", v);
    if (gw.servers().isEmpty()) {
      v.error("spec.servers", "at least one server is required");
    }
    Map<String, Integer> portNames = new HashMap<>();
    for (int i = 0; i < gw.servers().size(); i++) {
      Server s = gw.servers().get(i);
      String at = index("spec.servers", i);
      server(s, at, v);
      if (s.port() != null && s.port().name() != null && !s.port().name().isEmpty()) {
        Integer first = portNames.putIfAbsent(s.port().name(), i);
        if (first != null) {
          v.error(field(at, "port.name"), "duplicate port name \"" + s.port().name()
              + "\" (also servers[" + first + "]); port names must be unique across servers");
        }
      }
    }
  }

  private static void server(Server s, String path, Validation v) {
    if (s.hosts().isEmpty()) {
      v.error(field(path, "hosts"), "at least one host is required");
    }
    for (int i = 0; i < s.hosts().size(); i++) {
      serverHost(s.hosts().get(i), index(field(path, "hosts"), i), v);
    }
    if (s.bind() != null && !s.bind().isEmpty() && !HostNames.isIpAddress(s.bind())) {
      v.error(field(path, "bind"), "\"" + s.bind() + "\" is not an IP address");
    }
    Optional<String> protocol = port(s.port(), field(path, "port"), v);
    protocol.ifPresent(p -> tls(s.tls(), p, field(path, "tls"), v));
  }

  private static void serverHost(String host, String path, Validation v) {
    String name = host;
    int slash = host.indexOf('/');
    if (slash >= 0) {
      String ns = host.substring(0, slash);
      name = host.substring(slash + 1);
      if (!ns.equals("*") && !ns.equals(".") && !KubernetesNames.isDnsLabel(ns)) {
        v.error(path, "\"" + ns + "\" in \"" + host + "\" is not \"*\", \".\" or a namespace");
        return;
      }
    }
    HostNames.wildcardDomainError(name).ifPresent(m -> v.error(path, m));
  }

  /** Checks the port; its canonical protocol when the protocol is valid. */
  private static Optional<String> port(Port p, String path, Validation v) {
    if (p == null) {
      v.error(path, "required");
      return Optional.empty();
    }
    PortNumbers.check(p.number(), field(path, "number"), v);
    if (p.name() == null || p.name().isEmpty()) {
      v.error(field(path, "name"), "required");
    }
    if (p.targetPort() != 0) {
      v.error(field(path, "targetPort"), "has no effect on a gateway; remove it");
    }
    Optional<String> protocol = IstioProtocols.canonical(p.protocol(), IstioProtocols.GATEWAY);
    if (protocol.isEmpty()) {
      v.error(field(path, "protocol"), (p.protocol() == null ? "required" : "\"" + p.protocol() + "\" is not supported")
          + "; one of " + String.join(", ", IstioProtocols.GATEWAY));
    }
    return protocol;
  }

  private static void tls(ServerTls tls, String protocol, String path, Validation v) {
    boolean tlsProtocol = IstioProtocols.isTls(protocol);
    if (tls == null) {
      if (tlsProtocol) {
        v.error(path, "required for " + protocol + " servers");
      }
      return;
    }
    if (!tlsProtocol) {
      boolean redirectOnly = tls.mode() == null && tls.serverCertificate() == null
          && tls.privateKey() == null && tls.caCertificates() == null && tls.credentialName() == null;
      if (!IstioProtocols.isHttp(protocol) || !redirectOnly) {
        v.error(path, "TLS settings are only allowed on HTTPS and TLS servers"
            + " (an HTTP server may set httpsRedirect alone)");
      }
      return;
    }
    if (tls.httpsRedirect()) {
      v.warn(field(path, "httpsRedirect"), "has effect on HTTP servers only");
    }
    String mode = tls.mode() == null ? "PASSTHROUGH" : tls.mode();
    if (!TLS_MODES.contains(mode)) {
      v.error(field(path, "mode"), "must be one of " + String.join(", ", TLS_MODES) + ", found \"" + mode + "\"");
      return;
    }
    boolean credential = tls.credentialName() != null && !tls.credentialName().isEmpty();
    switch (mode) {
      case "SIMPLE" -> {
        if (!credential) {
          required(tls.serverCertificate(), field(path, "serverCertificate"), "SIMPLE", v);
          required(tls.privateKey(), field(path, "privateKey"), "SIMPLE", v);
        }
      }
      case "MUTUAL", "OPTIONAL_MUTUAL" -> {
        if (!credential) {
          required(tls.serverCertificate(), field(path, "serverCertificate"), mode, v);
          required(tls.privateKey(), field(path, "privateKey"), mode, v);
          required(tls.caCertificates(), field(path, "caCertificates"), mode, v);
        }
      }
      case "ISTIO_MUTUAL" -> {
        if (tls.serverCertificate() != null || tls.privateKey() != null
            || tls.caCertificates() != null || credential) {
          v.error(path, "ISTIO_MUTUAL uses the mesh's certificates and cannot set serverCertificate,"
              + " privateKey, caCertificates or credentialName");
        }
      }
      default -> {
        // PASSTHROUGH and AUTO_PASSTHROUGH do not terminate TLS.
      }
    }
    if (!APPLIED_MODES.contains(mode)) {
      v.notApplied(field(path, "mode"), "Bowline's gateways serve SIMPLE, MUTUAL and PASSTHROUGH");
    }
    if (credential) {
      v.notApplied(field(path, "credentialName"), "Bowline reads serverCertificate and privateKey files");
    }
    version(tls.minProtocolVersion(), field(path, "minProtocolVersion"), v);
    version(tls.maxProtocolVersion(), field(path, "maxProtocolVersion"), v);
  }

  private static void required(String value, String path, String mode, Validation v) {
    if (value == null || value.isEmpty()) {
      v.error(path, "required in " + mode + " mode (or set credentialName)");
    }
  }

  private static void version(String version, String path, Validation v) {
    if (version != null && !TLS_VERSIONS.contains(version)) {
      v.error(path, "must be one of " + String.join(", ", TLS_VERSIONS) + ", found \"" + version + "\"");
    }
  }
}
