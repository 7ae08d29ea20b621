package dev.bowline.kernel.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bowline.proxy.identity.WorkloadSecrets;
import dev.bowline.proxy.tls.CertificatePem;
import dev.bowline.proxy.tls.CertifiedKey;
import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The proxy admin's {@code /certs}, in the shape of Envoy's: one entry per secret, the workload
 * certificate ({@code cert_chain}, SDS name {@code default}) and the trust bundle ({@code ca_cert},
 * SDS name {@code ROOTCA}), each certificate with its serial number, subject alternative names (the
 * SPIFFE identity), validity and days until expiration; Bowline adds each certificate's PEM. Never
 * the private key. Stateless.
 */
final class CertificatesDump {

  private static final ObjectMapper JSON = new ObjectMapper();

  private CertificatesDump() {}

  /** The secrets as JSON, or an empty list when the proxy has no workload identity. */
  static String json(Optional<WorkloadSecrets> secrets, Clock clock) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode certificates = root.putArray("certificates");
    if (secrets.isPresent()) {
      ObjectNode entry = certificates.addObject();
      ArrayNode chain = entry.putArray("cert_chain");
      Optional<CertifiedKey> key = secrets.get().certificate();
      if (key.isPresent()) {
        for (X509Certificate c : key.get().chain()) {
          describe(chain.addObject(), c, WorkloadSecrets.CERTIFICATE, clock);
        }
      }
      ArrayNode ca = entry.putArray("ca_cert");
      for (X509Certificate c : secrets.get().trustBundle()) {
        describe(ca.addObject(), c, WorkloadSecrets.TRUST_BUNDLE, clock);
      }
    }
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (IOException e) {
      return "{\"certificates\": []}";
    }
  }

  private static void describe(ObjectNode out, X509Certificate c, String secret, Clock clock) {
    out.put("path", "sds:" + secret);
    out.put("serial_number", c.getSerialNumber().toString(16));
    ArrayNode sans = out.putArray("subject_alt_names");
    try {
      if (c.getSubjectAlternativeNames() != null) {
        for (List<?> san : c.getSubjectAlternativeNames()) {
          if (Integer.valueOf(6).equals(san.get(0))) {
            sans.addObject().put("uri", String.valueOf(san.get(1)));
          } else if (Integer.valueOf(2).equals(san.get(0))) {
            sans.addObject().put("dns", String.valueOf(san.get(1)));
          }
        }
      }
    } catch (CertificateParsingException e) {
      out.put("error", "unreadable subject alternative names: " + e.getMessage());
    }
    out.put("subject", c.getSubjectX500Principal().getName());
    out.put("issuer", c.getIssuerX500Principal().getName());
    out.put("valid_from", c.getNotBefore().toInstant().toString());
    out.put("expiration_time", c.getNotAfter().toInstant().toString());
    out.put("days_until_expiration",
        Long.toString(Math.max(0, Duration.between(clock.instant(), c.getNotAfter().toInstant()).toDays())));
    try {
      out.put("pem", CertificatePem.of(c));
    } catch (CertificateEncodingException e) {
      out.put("error", "cannot encode: " + e.getMessage());
    }
  }
}
