package dev.bowline.kernel.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bowline.kernel.cli.BowlineCtlMain;
import dev.bowline.kernel.plugin.PluginHost;
import dev.bowline.kernel.proxy.ProxyRuntime;
import dev.bowline.proxy.identity.ChainRoots;
import dev.bowline.proxy.identity.CitadelCertificateSource;
import dev.bowline.proxy.identity.ControlPlaneTls;
import dev.bowline.proxy.identity.WorkloadSecrets;
import dev.bowline.proxy.tls.CertificateSigningRequest;
import dev.bowline.proxy.tls.CertifiedKey;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 6's root rotation acceptance, end to end with the real {@code ca-selfsigned} plugin:
 * {@code bowlinectl ca rotate} replaces the root while two joined sidecars carry continuous load
 * over STRICT mutual TLS (a new upstream handshake every few requests). No request fails; at the
 * end both sidecars and the control plane hold certificates under the new root, every trust bundle
 * holds only the new root, and a certificate under the old root no longer gets anything from
 * Citadel.
 */
class RootRotationUnderLoadTest {

  @TempDir Path dir;
  private SecureControlPlane secure;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    if (secure != null) {
      secure.close();
    }
  }

  @Test
  void rotatesTheRootUnderLoadWithoutAFailedRequest() throws Exception {
    secure = SecureControlPlane.start(dir);
    ControlPlane controlPlane = secure.controlPlane();
    PluginHost plugins = secure.plugins();
    RatingsUnderLoad mesh = RatingsUnderLoad.start(controlPlane, plugins);
    toClose.add(mesh);
    X509Certificate oldRoot = controlPlane.trustBundle().get(0);
    assertThat(controlPlane.trustBundle()).hasSize(1);
    CertifiedKey oldSleepCertificate = certificate(mesh.sleep());
    mesh.startLoad(Duration.ofMillis(10), () -> { });
    Thread.sleep(2_000); // load before the rotation too

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new BowlineCtlMain());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int beforeRotation = mesh.succeeded();
    int exit = cli.execute("ca", "rotate", "--timeout", "3m",
        "--server", "http://127.0.0.1:" + controlPlane.apiAddress().getPort());
    assertThat(exit).as("bowlinectl ca rotate: %s%s", out, err).isZero();
    assertThat(out.toString()).contains("REISSUING", "root rotation done");
    int duringRotation = mesh.succeeded() - beforeRotation;
    Thread.sleep(2_000); // load after the rotation too

    mesh.stopLoad();
    assertThat(mesh.failures()).as("requests failed during the root rotation (of %d that succeeded)",
        mesh.succeeded()).isEmpty();
    assertThat(duringRotation).as("requests served while the rotation ran").isGreaterThanOrEqualTo(10);
    assertThat(mesh.succeeded()).as("requests served under load").isGreaterThan(100);

    List<X509Certificate> bundle = controlPlane.trustBundle();
    assertThat(bundle).hasSize(1);
    X509Certificate newRoot = bundle.get(0);
    assertThat(newRoot).isNotEqualTo(oldRoot);
    for (ProxyRuntime proxy : List.of(mesh.ratings(), mesh.sleep())) {
      WorkloadSecrets secrets = proxy.workloadSecrets().orElseThrow();
      assertThat(secrets.trustBundle()).as("the proxy's trust bundle").containsExactly(newRoot);
      assertThat(ChainRoots.issuedUnder(secrets.certificate().orElseThrow().chain(), newRoot))
          .as("the proxy's certificate is under the new root").isTrue();
    }
    assertThat(ChainRoots.issuedUnder(controlPlane.ownCertificate().chain(), newRoot))
        .as("the control plane's certificate is under the new root").isTrue();

    // The old root is retired: its certificates are refused by Citadel.
    WorkloadSecrets stale = new WorkloadSecrets();
    stale.installTrustBundle(bundle);
    stale.installCertificate(oldSleepCertificate);
    CitadelCertificateSource citadel = new CitadelCertificateSource(
        "127.0.0.1:" + controlPlane.secureAddress().getPort(),
        ControlPlaneTls.channelCredentials(stale, JoinedSidecars.TRUST_DOMAIN), Optional.empty(), Duration.ZERO);
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    String csr = CertificateSigningRequest.pem(generator.generateKeyPair());
    assertThatThrownBy(() -> citadel.request(csr, Optional.of(oldSleepCertificate)).get(20, TimeUnit.SECONDS))
        .as("a renewal with a certificate under the retired root")
        .hasMessageContaining("UNAVAILABLE");
  }

  private static CertifiedKey certificate(ProxyRuntime proxy) {
    return proxy.workloadSecrets().orElseThrow().certificate().orElseThrow();
  }
}
