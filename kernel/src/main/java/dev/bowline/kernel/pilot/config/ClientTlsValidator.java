package dev.bowline.kernel.pilot.config;

import static dev.bowline.kernel.pilot.config.FieldPaths.field;
import static dev.bowline.kernel.pilot.config.FieldPaths.index;

import dev.bowline.kernel.pilot.istio.DestinationRule.ClientTls;
import java.util.List;

/**
 * Checks a DestinationRule's {@code tls} ({@code ClientTLSSettings}) with Istio's rules: a known
 * mode; {@code ISTIO_MUTUAL} sets no files nor {@code credentialName} (the mesh's certificates are
 * used); {@code MUTUAL} names both {@code clientCertificate} and {@code privateKey} (or a {@code
 * credentialName}); {@code DISABLE} sets nothing else; file paths are absolute; {@code sni} is a
 * host name. Warns that {@code credentialName} (a Kubernetes secret), {@code caCrl} and {@code
 * insecureSkipVerify} are not applied. Stateless.
 */
final class ClientTlsValidator {

  static final List<String> MODES = List.of("DISABLE", "SIMPLE", "MUTUAL", "ISTIO_MUTUAL");

  private ClientTlsValidator() {}

  static void validate(ClientTls tls, String path, Validation v) {
    if (tls == null) {
      return;
    }
    String mode = tls.mode() == null ? "DISABLE" : tls.mode();
    if (!MODES.contains(mode)) {
      v.error(field(path, "mode"), "must be one of " + String.join(", ", MODES) + ", found \""
          + mode + "\"");
      return;
    }
    boolean files = tls.clientCertificate() != null || tls.privateKey() != null
        || tls.caCertificates() != null;
    boolean credential = tls.credentialName() != null && !tls.credentialName().isEmpty();
    switch (mode) {
      case "ISTIO_MUTUAL" -> {
        if (files || credential) {
          v.error(path, "ISTIO_MUTUAL uses the mesh's certificates; clientCertificate, privateKey,"
              + " caCertificates and credentialName cannot be set");
        }
      }
      case "MUTUAL" -> {
        if (!credential && (tls.clientCertificate() == null || tls.privateKey() == null)) {
          v.error(path, "MUTUAL needs clientCertificate and privateKey (or credentialName)");
        }
      }
      case "DISABLE" -> {
        if (files || credential || tls.sni() != null || !tls.subjectAltNames().isEmpty()) {
          v.error(path, "DISABLE sends plaintext; remove the other TLS settings");
        }
      }
      default -> {
        // SIMPLE: everything optional; the JDK's trust store verifies without caCertificates.
      }
    }
    absolute(tls.clientCertificate(), field(path, "clientCertificate"), v);
    absolute(tls.privateKey(), field(path, "privateKey"), v);
    absolute(tls.caCertificates(), field(path, "caCertificates"), v);
    if (tls.sni() != null && HostNames.fqdnError(tls.sni()).isPresent()) {
      v.error(field(path, "sni"), "\"" + tls.sni() + "\" is not a host name");
    }
    for (int i = 0; i < tls.subjectAltNames().size(); i++) {
      String san = tls.subjectAltNames().get(i);
      if (san == null || san.isBlank()) {
        v.error(index(field(path, "subjectAltNames"), i), "empty name");
      }
    }
    if (credential) {
      v.notApplied(field(path, "credentialName"), "certificates come from files on the proxy's"
          + " host (clientCertificate, privateKey, caCertificates)");
    }
    if (Boolean.TRUE.equals(tls.insecureSkipVerify())) {
      if (mode.equals("ISTIO_MUTUAL")) {
        v.error(field(path, "insecureSkipVerify"), "the mesh's mutual TLS always verifies the peer");
      } else {
        v.notApplied(field(path, "insecureSkipVerify"), "Bowline always verifies the server's"
            + " certificate (with caCertificates, else the JDK's trust store)");
      }
    }
  }

  private static void absolute(String file, String path, Validation v) {
    if (file != null && !file.startsWith("/")) {
      v.error(path, "\"" + file + "\" is not an absolute path");
    }
  }
}
