package dev.bowline.kernel.api;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Citadel's trust bundle ({@code bowlinectl ca root}): {@code GET /api/v1/ca/root} answers the
 * roots as one PEM text ({@code pem}) and each root's subject, validity and SHA-256 fingerprint
 * ({@code roots}). The bundle is public: it is what every proxy and peer verifies against.
 */
final class CaRoute implements ApiRoute {

  private static final String PATH = "/api/v1/ca/root";

  private final Supplier<List<X509Certificate>> trustBundle;

  CaRoute(Supplier<List<X509Certificate>> trustBundle) {
    this.trustBundle = trustBundle;
  }

  @Override
  public boolean handle(ApiExchange ex) throws IOException {
    if (!ex.path().startsWith("/api/v1/ca")) {
      return false;
    }
    if (!ex.path().equals(PATH)) {
      ex.error(404, "no such API: " + ex.path() + " (the CA answers " + PATH + ")");
      return true;
    }
    if (!ex.method().equals("GET")) {
      ex.error(405, ex.method() + " " + ex.path() + " is not supported");
      return true;
    }
    StringBuilder pem = new StringBuilder();
    List<Map<String, Object>> roots = new ArrayList<>();
    try {
      for (X509Certificate root : trustBundle.get()) {
        pem.append(pem(root));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("subject", root.getSubjectX500Principal().getName());
        r.put("notBefore", root.getNotBefore().toInstant().toString());
        r.put("notAfter", root.getNotAfter().toInstant().toString());
        r.put("sha256", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(root.getEncoded())));
        roots.add(r);
      }
    } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
      ex.error(500, "the trust bundle cannot be encoded: " + e.getMessage());
      return true;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("pem", pem.toString());
    out.put("roots", roots);
    ex.json(200, out);
    return true;
  }

  private static String pem(X509Certificate cert) throws CertificateEncodingException {
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(cert.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
  }
}
