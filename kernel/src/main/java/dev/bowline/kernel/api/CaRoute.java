package dev.bowline.kernel.api;

import dev.bowline.kernel.citadel.RootRotationControl;
import dev.bowline.kernel.citadel.RootRotationStatus;
import dev.bowline.proxy.tls.CertificatePem;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Citadel's CA:
 *
 * <ul>
 *   <li>{@code GET /api/v1/ca/root} ({@code bowlinectl ca root}): the trust bundle as one PEM text
 *       ({@code pem}) and each root's subject, validity, serial and SHA-256 fingerprint ({@code
 *       roots}). The bundle is public: it is what every proxy and peer verifies against.
 *   <li>{@code POST /api/v1/ca/rotation} ({@code bowlinectl ca rotate}): starts a root rotation (or
 *       answers the one under way), 202 with its status; 409 when the CA does not rotate its root.
 *   <li>{@code GET /api/v1/ca/rotation}: the rotation's status: {@code phase}, {@code step} and
 *       its {@code description}, {@code roots}, {@code waitingFor} (the clients the step waits on),
 *       {@code startedAt}, {@code finishedAt}, {@code lastError}.
 * </ul>
 */
final class CaRoute implements ApiRoute {

  private static final String ROOT = "/api/v1/ca/root";
  private static final String ROTATION = "/api/v1/ca/rotation";

  private final Supplier<List<X509Certificate>> trustBundle;
  private final RootRotationControl rotation;

  CaRoute(Supplier<List<X509Certificate>> trustBundle, RootRotationControl rotation) {
    this.trustBundle = trustBundle;
    this.rotation = rotation;
  }

  @Override
  public boolean handle(ApiExchange ex) throws IOException {
    if (!ex.path().startsWith("/api/v1/ca")) {
      return false;
    }
    try {
      if (ex.path().equals(ROOT)) {
        if (!ex.method().equals("GET")) {
          ex.error(405, ex.method() + " " + ex.path() + " is not supported");
          return true;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        StringBuilder pem = new StringBuilder();
        List<X509Certificate> roots = trustBundle.get();
        for (X509Certificate root : roots) {
          pem.append(CertificatePem.of(root));
        }
        out.put("pem", pem.toString());
        out.put("roots", describe(roots));
        ex.json(200, out);
      } else if (ex.path().equals(ROTATION)) {
        rotation(ex);
      } else {
        ex.error(404, "no such API: " + ex.path() + " (the CA answers " + ROOT + " and " + ROTATION + ")");
      }
    } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
      ex.error(500, "the trust bundle cannot be encoded: " + e.getMessage());
    }
    return true;
  }

  private void rotation(ApiExchange ex)
      throws IOException, CertificateEncodingException, NoSuchAlgorithmException {
    switch (ex.method()) {
      case "GET" -> ex.json(200, describe(rotation.status()));
      case "POST" -> {
        RootRotationStatus status;
        try {
          status = rotation.start();
        } catch (UnsupportedOperationException e) {
          ex.error(409, e.getMessage());
          return;
        }
        ex.json(202, describe(status));
      }
      default -> ex.error(405, ex.method() + " " + ex.path() + " is not supported (GET, POST)");
    }
  }

  private static Map<String, Object> describe(RootRotationStatus status)
      throws CertificateEncodingException, NoSuchAlgorithmException {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("phase", status.phase().name());
    out.put("step", status.step().name());
    out.put("description", status.step().description());
    out.put("running", status.running());
    out.put("roots", describe(status.roots()));
    out.put("waitingFor", status.waitingFor());
    status.startedAt().ifPresent(t -> out.put("startedAt", t.toString()));
    status.finishedAt().ifPresent(t -> out.put("finishedAt", t.toString()));
    status.lastError().ifPresent(e -> out.put("lastError", e));
    return out;
  }

  private static List<Map<String, Object>> describe(List<X509Certificate> roots)
      throws CertificateEncodingException, NoSuchAlgorithmException {
    List<Map<String, Object>> out = new ArrayList<>();
    for (X509Certificate root : roots) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("subject", root.getSubjectX500Principal().getName());
      r.put("serial", root.getSerialNumber().toString(16));
      r.put("notBefore", root.getNotBefore().toInstant().toString());
      r.put("notAfter", root.getNotAfter().toInstant().toString());
      r.put("sha256", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(root.getEncoded())));
      out.add(r);
    }
    return out;
  }
}
