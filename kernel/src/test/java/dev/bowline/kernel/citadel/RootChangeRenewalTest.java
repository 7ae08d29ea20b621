package dev.bowline.kernel.citadel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bowline.proxy.identity.ChainRoots;
import dev.bowline.proxy.identity.CertificateSource;
import dev.bowline.proxy.identity.RootChangeRenewal;
import dev.bowline.proxy.identity.WorkloadIdentity;
import dev.bowline.proxy.identity.WorkloadSecrets;
import dev.bowline.spi.model.SpiffeId;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A proxy during a root rotation ({@code proxy.identity.RootChangeRenewal}), with two real CAs
 * whose roots carry the same subject: a bundle that adds the new root after the old one changes
 * nothing; a bundle that puts the new root first makes the proxy renew, under the new root; the
 * bundle that then drops the old root, and installing certificates, cause no further renewal.
 */
class RootChangeRenewalTest {

  private static final SpiffeId ID = SpiffeId.forServiceAccount("cluster.local", "default", "ratings");
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private WorkloadIdentity identity;

  @AfterEach
  void stop() {
    if (identity != null) {
      identity.close();
    }
    scheduler.shutdownNow();
  }

  @Test
  void renewsOnceTheNewRootLeadsTheBundle() throws Exception {
    TestCertificateAuthority oldCa = new TestCertificateAuthority();
    TestCertificateAuthority newCa = new TestCertificateAuthority();
    X509Certificate oldRoot = oldCa.trustBundle().get(0);
    X509Certificate newRoot = newCa.trustBundle().get(0);
    assertThat(oldRoot.getSubjectX500Principal()).isEqualTo(newRoot.getSubjectX500Principal());

    AtomicReference<TestCertificateAuthority> signing = new AtomicReference<>(oldCa);
    AtomicInteger requests = new AtomicInteger();
    CertificateSource source = (csr, current) -> {
      requests.incrementAndGet();
      try {
        return CompletableFuture.completedFuture(signing.get().sign(CsrPem.der(csr), ID, Duration.ofHours(1)));
      } catch (Exception e) {
        return CompletableFuture.failedFuture(e);
      }
    };
    WorkloadSecrets secrets = new WorkloadSecrets();
    secrets.installTrustBundle(List.of(oldRoot));
    identity = WorkloadIdentity.start(source, scheduler, Clock.systemUTC(), secrets::installCertificate);
    RootChangeRenewal.install(secrets, identity, Duration.ZERO);
    identity.first().get(10, TimeUnit.SECONDS);
    assertThat(requests.get()).isEqualTo(1);

    secrets.installTrustBundle(List.of(oldRoot, newRoot)); // prepared: the old root still signs
    settle();
    assertThat(requests.get()).as("no renewal while the old root leads").isEqualTo(1);

    signing.set(newCa);
    secrets.installTrustBundle(List.of(newRoot, oldRoot)); // activated
    await().atMost(Duration.ofSeconds(10)).until(() ->
        ChainRoots.issuedUnder(secrets.certificate().orElseThrow().chain(), newRoot));
    settle();
    assertThat(requests.get()).isEqualTo(2);

    secrets.installTrustBundle(List.of(newRoot)); // retired
    secrets.installCertificate(secrets.certificate().orElseThrow());
    settle();
    assertThat(requests.get()).as("no renewal once the certificate is under the leading root").isEqualTo(2);
  }

  /** Lets whatever the identity's thread was asked to do (a renewal due at once) run. */
  private void settle() throws Exception {
    for (int i = 0; i < 3; i++) {
      scheduler.schedule(() -> { }, 50, TimeUnit.MILLISECONDS).get(5, TimeUnit.SECONDS);
    }
  }
}
