package dev.bowline.kernel.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bowline.kernel.citadel.CsrPem;
import dev.bowline.kernel.citadel.RootRotationStatus;
import dev.bowline.kernel.citadel.RootRotationStatus.Step;
import dev.bowline.kernel.citadel.TestCertificateAuthority;
import dev.bowline.kernel.pilot.xds.TrustBundleClient;
import dev.bowline.kernel.pilot.xds.TrustBundleSecret;
import dev.bowline.proxy.tls.CertifiedKey;
import dev.bowline.spi.ca.CertificateAuthority;
import dev.bowline.spi.ca.CertificateAuthorityException;
import dev.bowline.spi.ca.RootRotation;
import dev.bowline.spi.model.SpiffeId;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The rotation's gates: the new root does not sign before every client holds both roots; the old
 * root is not retired before every client holds a certificate under the new one (a certificate
 * Citadel issued to a node counts only when that node proved the same identity); the rotation ends
 * when every client holds the bundle without the old root.
 */
class RootRotationDriverTest {

  private static final SpiffeId RATINGS = SpiffeId.forServiceAccount("cluster.local", "default", "ratings");
  private static final SpiffeId OTHER = SpiffeId.forServiceAccount("cluster.local", "default", "other");

  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  /** A CA over two test roots that goes through the rotation's phases in memory. */
  private static final class TwoRootCa implements CertificateAuthority, RootRotation {
    final TestCertificateAuthority oldCa;
    final TestCertificateAuthority newCa;
    volatile Phase phase = Phase.IDLE;
    volatile boolean retired;

    TwoRootCa() throws Exception {
      oldCa = new TestCertificateAuthority();
      newCa = new TestCertificateAuthority();
    }

    X509Certificate oldRoot() {
      return oldCa.trustBundle().get(0);
    }

    X509Certificate newRoot() {
      return newCa.trustBundle().get(0);
    }

    @Override
    public List<X509Certificate> sign(byte[] csrDer, SpiffeId identity, Duration ttl)
        throws CertificateAuthorityException {
      return (phase == Phase.ACTIVATED || retired ? newCa : oldCa).sign(csrDer, identity, ttl);
    }

    @Override
    public List<X509Certificate> trustBundle() {
      if (retired) {
        return List.of(newRoot());
      }
      return switch (phase) {
        case IDLE -> List.of(oldRoot());
        case PREPARED -> List.of(oldRoot(), newRoot());
        case ACTIVATED -> List.of(newRoot(), oldRoot());
      };
    }

    @Override
    public Optional<RootRotation> rootRotation() {
      return Optional.of(this);
    }

    @Override
    public Phase phase() {
      return phase;
    }

    @Override
    public void prepare() {
      phase = Phase.PREPARED;
    }

    @Override
    public void activate() {
      phase = Phase.ACTIVATED;
    }

    @Override
    public void retire() {
      retired = true;
      phase = Phase.IDLE;
    }
  }

  private static List<X509Certificate> leaf(CertificateAuthority ca, SpiffeId id) throws Exception {
    KeyPair key = TestCertificateAuthority.ecKeyPair();
    return ca.sign(CsrPem.der(CsrPem.claiming(key, "ignored")), id, Duration.ofHours(1));
  }

  @Test
  void waitsForEveryClientAtEveryGate() throws Exception {
    TwoRootCa ca = new TwoRootCa();
    List<TrustBundleClient> clients = new CopyOnWriteArrayList<>();
    String oldVersion = TrustBundleSecret.versionOf(ca.trustBundle());
    List<X509Certificate> ratingsOldCert = leaf(ca, RATINGS);
    clients.add(new TrustBundleClient("ratings-1", Optional.of(RATINGS), ratingsOldCert, oldVersion));
    List<String> pushes = new CopyOnWriteArrayList<>();
    KeyPair ownKey = TestCertificateAuthority.ecKeyPair();
    AtomicReference<CertifiedKey> own = new AtomicReference<>(new CertifiedKey(leaf(ca, OTHER), ownKey.getPrivate()));
    RootRotationDriver driver = new RootRotationDriver(ca, () -> List.copyOf(clients), pushes::add, own::get, () -> {
      try {
        own.set(new CertifiedKey(leaf(ca, OTHER), ownKey.getPrivate()));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, executor, Clock.systemUTC(), Duration.ofMillis(10));

    RootRotationStatus started = driver.start();
    assertThat(started.step()).isEqualTo(Step.DISTRIBUTING_BOTH_ROOTS);
    assertThat(driver.start().startedAt()).as("a second start joins the rotation under way")
        .isEqualTo(started.startedAt());

    // Gate 1: the client does not hold both roots yet.
    await().until(() -> driver.status().waitingFor().contains("ratings-1: does not hold the current trust bundle yet"));
    assertThat(ca.phase()).isEqualTo(RootRotation.Phase.PREPARED);
    assertThat(pushes).isNotEmpty();
    clients.set(0, new TrustBundleClient("ratings-1", Optional.of(RATINGS), ratingsOldCert,
        TrustBundleSecret.versionOf(List.of(ca.oldRoot(), ca.newRoot()))));
    await().until(() -> ca.phase() == RootRotation.Phase.ACTIVATED);
    assertThat(driver.status().step()).isEqualTo(Step.REISSUING);

    // Gate 2: the client holds the new bundle, but its certificate is under the old root.
    String activatedVersion = TrustBundleSecret.versionOf(ca.trustBundle());
    clients.set(0, new TrustBundleClient("ratings-1", Optional.of(RATINGS), ratingsOldCert, activatedVersion));
    await().until(() -> driver.status().waitingFor()
        .contains("ratings-1: holds no certificate under the new root yet"));
    // A certificate issued to a caller of another identity naming this node does not count.
    driver.issued(OTHER, Optional.of("ratings-1"), withRoot(leaf(ca, OTHER), ca.newRoot()));
    List<String> before = driver.status().waitingFor();
    await().until(() -> driver.status().waitingFor() != before); // checked again since
    assertThat(driver.status().waitingFor()).contains("ratings-1: holds no certificate under the new root yet");
    assertThat(ca.retired).isFalse();
    driver.issued(RATINGS, Optional.of("ratings-1"), withRoot(leaf(ca, RATINGS), ca.newRoot()));
    await().until(() -> ca.retired);
    assertThat(driver.status().step()).isEqualTo(Step.DISTRIBUTING_NEW_ROOT);

    // Gate 3: the rotation ends when the client holds the bundle without the old root.
    await().until(() -> driver.status().waitingFor()
        .contains("ratings-1: does not hold the current trust bundle yet"));
    assertThat(driver.status().running()).isTrue();
    clients.set(0, new TrustBundleClient("ratings-1", Optional.of(RATINGS), ratingsOldCert,
        TrustBundleSecret.versionOf(List.of(ca.newRoot()))));
    await().until(() -> !driver.status().running());
    RootRotationStatus done = driver.status();
    assertThat(done.roots()).containsExactly(ca.newRoot());
    assertThat(done.finishedAt()).isPresent();
    assertThat(done.waitingFor()).isEmpty();
  }

  @Test
  void aClientThatLeavesIsNotWaitedFor() throws Exception {
    TwoRootCa ca = new TwoRootCa();
    List<TrustBundleClient> clients = new CopyOnWriteArrayList<>();
    clients.add(new TrustBundleClient("gone-1", Optional.of(RATINGS), leaf(ca, RATINGS), ""));
    KeyPair ownKey = TestCertificateAuthority.ecKeyPair();
    AtomicReference<CertifiedKey> own = new AtomicReference<>(new CertifiedKey(leaf(ca, OTHER), ownKey.getPrivate()));
    RootRotationDriver driver = new RootRotationDriver(ca, () -> List.copyOf(clients), reason -> { }, own::get,
        () -> {
          try {
            own.set(new CertifiedKey(leaf(ca, OTHER), ownKey.getPrivate()));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }, executor, Clock.systemUTC(), Duration.ofMillis(10));
    driver.start();
    await().until(() -> !driver.status().waitingFor().isEmpty());
    clients.clear();
    await().until(() -> !driver.status().running());
    assertThat(ca.trustBundle()).containsExactly(ca.newRoot());
  }

  @Test
  void aCaThatDoesNotRotateSaysSo() throws Exception {
    TestCertificateAuthority plain = new TestCertificateAuthority();
    RootRotationDriver driver = new RootRotationDriver(plain, List::of, reason -> { }, () -> null, () -> { },
        executor, Clock.systemUTC(), Duration.ofMillis(10));
    assertThatThrownBy(driver::start).isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("does not rotate its own root");
    assertThat(driver.status().running()).isFalse();
  }

  private static List<X509Certificate> withRoot(List<X509Certificate> chain, X509Certificate root) {
    List<X509Certificate> out = new ArrayList<>(chain);
    out.add(root);
    return out;
  }
}
