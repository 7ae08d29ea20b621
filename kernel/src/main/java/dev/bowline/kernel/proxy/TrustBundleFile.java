package dev.bowline.kernel.proxy;

import dev.bowline.proxy.identity.WorkloadSecrets;
import dev.bowline.proxy.tls.CertificatePem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@code --ca-root} file a proxy joined with equal to the trust bundle it holds, so that
 * a proxy restarted after a root rotation still trusts the control plane: the bundle the control
 * plane sends (SDS {@code ROOTCA}) and the roots Citadel answers with both arrive over mutual TLS
 * already verified, and a bundle is public. The file is replaced atomically (a temporary file in
 * the same directory, then a move), only when its roots differ from the bundle held. A file that
 * cannot be written (a read-only mount) costs a warning, never the proxy.
 *
 * <p><b>Threading.</b> Bundle changes are noticed on the installing thread and written on {@code
 * executor} (file I/O never runs on an xDS or event-loop thread); writes run one at a time.
 */
public final class TrustBundleFile {

  private static final Logger log = LoggerFactory.getLogger(TrustBundleFile.class);

  private final Path file;
  private final WorkloadSecrets secrets;
  private List<X509Certificate> written; // guarded by this
  private boolean warned; // guarded by this

  private TrustBundleFile(Path file, WorkloadSecrets secrets, List<X509Certificate> initial) {
    this.file = file;
    this.secrets = secrets;
    this.written = initial;
  }

  /**
   * Follows {@code secrets}' bundle into {@code file}, which holds {@code initial} now.
   *
   * @param executor where the file is written; a rejected task (the proxy stopping) is skipped
   */
  public static TrustBundleFile follow(Path file, List<X509Certificate> initial, WorkloadSecrets secrets,
      Executor executor) {
    TrustBundleFile follower = new TrustBundleFile(Objects.requireNonNull(file, "file"),
        Objects.requireNonNull(secrets, "secrets"), List.copyOf(initial));
    secrets.onChange(() -> {
      try {
        executor.execute(follower::sync);
      } catch (RejectedExecutionException stopping) {
        log.debug("not writing {}: the proxy is stopping", file);
      }
    });
    return follower;
  }

  /** Writes the bundle held now if the file's roots differ from it. */
  synchronized void sync() {
    List<X509Certificate> bundle = secrets.trustBundle();
    if (bundle.isEmpty() || bundle.equals(written)) {
      return;
    }
    try {
      Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp");
      try {
        Files.writeString(temp, CertificatePem.of(bundle), StandardCharsets.US_ASCII);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(temp);
      }
      written = bundle;
      warned = false;
      log.info("trust bundle written to {} ({} root(s)): a restart trusts the control plane's roots of now",
          file, bundle.size());
    } catch (IOException | CertificateEncodingException e) {
      if (!warned) {
        warned = true;
        log.warn("cannot keep {} equal to the trust bundle ({}): after a root rotation, give this proxy the new"
            + " bundle (bowlinectl ca root) before restarting it", file, e.toString());
      }
    }
  }
}
