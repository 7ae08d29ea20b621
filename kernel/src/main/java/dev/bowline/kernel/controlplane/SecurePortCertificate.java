package dev.bowline.kernel.controlplane;

import dev.bowline.kernel.citadel.InProcessCertificateSource;
import dev.bowline.proxy.identity.ControlPlaneIdentity;
import dev.bowline.proxy.identity.SvidTrustManager;
import dev.bowline.proxy.identity.WorkloadIdentity;
import dev.bowline.proxy.identity.WorkloadKeyManager;
import dev.bowline.proxy.tls.CertifiedKey;
import dev.bowline.spi.ca.CertificateAuthority;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's own certificate for its mutual TLS port, and that port's TLS: the CA issues
 * it in the process for {@code spiffe://<trust domain>/ns/bowline-system/sa/bowline-control-plane}
 * ({@link ControlPlaneIdentity}), {@link WorkloadIdentity} renews it at half-life with a fresh key
 * made in memory (the key never leaves the process), and the server's key manager reads the
 * current one at each handshake. Clients may present a workload certificate, verified against the
 * CA's trust bundle as an X.509-SVID of the trust domain.
 *
 * <p><b>Threading.</b> Renewals run on the scheduler given; the accessors are thread-safe.
 */
final class SecurePortCertificate implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SecurePortCertificate.class);
  /** The lifetime asked for (the CA may shorten it). */
  static final Duration TTL = Duration.ofHours(24);
  private static final Duration FIRST_CERTIFICATE_WAIT = Duration.ofSeconds(30);

  private final WorkloadIdentity identity;
  private final ServerCredentials credentials;

  private SecurePortCertificate(WorkloadIdentity identity, ServerCredentials credentials) {
    this.identity = identity;
    this.credentials = credentials;
  }

  /**
   * Gets the first certificate and starts renewing it.
   *
   * @throws IOException the CA did not issue it (a CA of another trust domain, say), with the CA's
   *     reason
   */
  static SecurePortCertificate start(CertificateAuthority ca, String trustDomain, Executor signing,
      ScheduledExecutorService renewals) throws IOException {
    InProcessCertificateSource source =
        new InProcessCertificateSource(ca, ControlPlaneIdentity.in(trustDomain), TTL, signing);
    CompletableFuture<Void> firstFailure = new CompletableFuture<>();
    WorkloadIdentity identity = WorkloadIdentity.start((csr, current) -> {
      CompletableFuture<List<X509Certificate>> answer = source.request(csr, current);
      answer.whenComplete((chain, error) -> {
        if (error != null) {
          firstFailure.completeExceptionally(error);
        }
      });
      return answer;
    }, renewals, Clock.systemUTC(), key -> log.info("control plane certificate {} valid until {}",
        ControlPlaneIdentity.in(trustDomain), key.leaf().getNotAfter().toInstant()));
    try {
      CompletableFuture.anyOf(identity.first(), firstFailure)
          .get(FIRST_CERTIFICATE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      identity.close();
      Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null
          ? c.getCause() : e.getCause();
      throw new IOException("the control plane's own certificate was not issued: " + cause.getMessage(), cause);
    } catch (TimeoutException e) {
      identity.close();
      throw new IOException("the CA issued no certificate for the control plane within "
          + FIRST_CERTIFICATE_WAIT.toSeconds() + " s");
    } catch (InterruptedException e) {
      identity.close();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the control plane's certificate", e);
    }
    ServerCredentials credentials = TlsServerCredentials.newBuilder()
        .keyManager(new WorkloadKeyManager(identity::current))
        .trustManager(new SvidTrustManager(ca::trustBundle, trustDomain, Optional.empty()))
        .clientAuth(TlsServerCredentials.ClientAuth.OPTIONAL)
        .build();
    return new SecurePortCertificate(identity, credentials);
  }

  /** The TLS of the port: this certificate, optional client certificates verified as SVIDs. */
  ServerCredentials serverCredentials() {
    return credentials;
  }

  /** The certificate held now. */
  CertifiedKey current() {
    return identity.current().orElseThrow();
  }

  /** Renews at once (the CA now signs under a new root). Never blocks. */
  void renewNow() {
    identity.renewWithin(Duration.ZERO);
  }

  /** Stops renewing. */
  @Override
  public void close() {
    identity.close();
  }
}
